"""Encryption of personal data at rest, and keyed hashes to find it again.

ID numbers and phone numbers are stored as AES-256-GCM ciphertext ("v1:" + base64 of nonce and
ciphertext). Equality search (is this ID number already in the ledger?) uses a blind index:
HMAC-SHA256 under a second key, so the hash column cannot be reversed by hashing every possible
ID number without the key. Uploaded files are sealed whole under the same key (encrypt_bytes).
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from functools import cache
from typing import IO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1:"
NONCE_BYTES = 12


def decode_key(value: str, name: str) -> bytes:
    """A key setting's 32 bytes from its base64; ImproperlyConfigured naming it otherwise."""
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes, got {len(key)}")
    return key


@cache
def _field_key() -> bytes:
    return decode_key(settings.FIELD_ENCRYPTION_KEY, "JINGUO_FIELD_KEY")


@cache
def _cipher() -> AESGCM:
    return AESGCM(_field_key())


@cache
def _hash_key() -> bytes:
    return decode_key(settings.BLIND_INDEX_KEY, "JINGUO_HASH_KEY")


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher().encrypt(nonce, plain.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.b64decode(token[len(PREFIX) :])
    return _cipher().decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode("utf-8")


# Uploaded files (jinguo/common/storage.py): MAGIC + nonce + AES-GCM ciphertext with its tag. A
# file without MAGIC was written before files were encrypted and is plain.
FILE_MAGIC = b"JGF1"


def is_encrypted_bytes(data: bytes) -> bool:
    return data.startswith(FILE_MAGIC)


def encrypt_bytes(plain: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FILE_MAGIC + nonce + _cipher().encrypt(nonce, plain, FILE_MAGIC)


def decrypt_bytes(data: bytes) -> bytes:
    """The plain content of `data`; bytes without the header (a legacy plain file) as they are.
    A wrong key or altered ciphertext raises cryptography's InvalidTag."""
    if not is_encrypted_bytes(data):
        return data
    body = data[len(FILE_MAGIC) :]
    return _cipher().decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], FILE_MAGIC)


TAG_BYTES = 16
FILE_PIECE = 1 << 20


def encrypt_file(pieces: Iterable[bytes], target: IO[bytes]) -> None:
    """encrypt_bytes of the concatenated `pieces` into `target`, a piece at a time (the same
    format: magic, nonce, ciphertext, tag), so a large upload is never held in memory."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.AES(_field_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(FILE_MAGIC)
    target.write(FILE_MAGIC + nonce)
    for piece in pieces:
        target.write(encryptor.update(piece))
    target.write(encryptor.finalize())
    target.write(encryptor.tag)


def decrypt_file(source: IO[bytes], target: IO[bytes]) -> None:
    """decrypt_bytes from one file into another a piece at a time, so a county's roster is
    never held in memory whole. The tag is checked at the end: on InvalidTag (a wrong key,
    an altered file) what was written to `target` must not be used."""
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    head = source.read(len(FILE_MAGIC))
    if head != FILE_MAGIC:  # a legacy plain file
        target.write(head)
        while piece := source.read(FILE_PIECE):
            target.write(piece)
        return
    nonce = source.read(NONCE_BYTES)
    left = size - len(FILE_MAGIC) - NONCE_BYTES - TAG_BYTES
    source.seek(size - TAG_BYTES)
    tag = source.read(TAG_BYTES)
    source.seek(len(FILE_MAGIC) + NONCE_BYTES)
    decryptor = Cipher(algorithms.AES(_field_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(FILE_MAGIC)
    while left > 0:
        piece = source.read(min(FILE_PIECE, left))
        if not piece:
            break
        left -= len(piece)
        target.write(decryptor.update(piece))
    target.write(decryptor.finalize())  # InvalidTag when altered


def blind_index(plain: str) -> str:
    """A keyed hash of a normalised value: equal inputs, equal outputs; empty stays empty."""
    if not plain:
        return ""
    return hmac.new(_hash_key(), plain.encode("utf-8"), hashlib.sha256).hexdigest()[:40]
