"""The backup file's encryption: an authenticated stream under the backup key.

A backup holds names, addresses and case texts in clear, so the whole archive is encrypted, and
with a key of its own (JINGUO_BACKUP_KEY), not the field key: whoever holds the backups and the
backup key still cannot read the ID numbers and phones, which stay ciphertext under the field key
inside, and a stolen server's environment without the backup key cannot read old backups.

The archive is cut into pieces of 1 MiB, each sealed with AES-256-GCM (the `cryptography`
package) as in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): the nonce is
a random prefix of the file, the piece's number and a flag on the last piece, and the file's
header is the associated data of every piece. A piece changed, dropped, repeated, moved, or cut
off at the end fails to open, so an altered archive is refused before anything it holds is used.

Layout: MAGIC (5 bytes) | key id (8) | nonce prefix (7) | pieces, each a 4-byte big-endian
length and its ciphertext with the 16-byte tag.
"""

import hashlib
import hmac
import io
import os
import struct
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jinguo.backups.errors import BackupError
from jinguo.common import crypto

MAGIC = b"JGBK\x01"
KEY_ID_BYTES = 8
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + PREFIX_BYTES
PIECE = 1 << 20
TAG_BYTES = 16
_LENGTH = struct.Struct(">I")


def _decode_key(value: str, name: str) -> bytes:
    """The key's 32 bytes, decoded as the field keys are (common.crypto.decode_key); a bad key
    is a refusal of the command, not a start-up error."""
    try:
        return crypto.decode_key(value, name)
    except ImproperlyConfigured as exc:
        raise BackupError(f"备份密钥无效，须为 32 字节随机数的 base64：{exc}") from None


def key_id(key: bytes) -> bytes:
    """Names a key without revealing it, so a restore knows which key a file needs."""
    return hmac.new(key, b"jinguo backup key id", hashlib.sha256).digest()[:KEY_ID_BYTES]


def current_key() -> bytes:
    if not settings.BACKUP_KEY:
        raise BackupError(
            "未设置备份密钥 JINGUO_BACKUP_KEY（或 JINGUO_BACKUP_KEY_FILE），无法加密备份。"
            "备份密钥须与字段密钥不同，并与备份文件分开保管（见 docs/operations.md）。"
        )
    return _decode_key(settings.BACKUP_KEY, "JINGUO_BACKUP_KEY")


def known_keys() -> list[bytes]:
    """The current backup key and the earlier ones kept to restore older backups."""
    keys = [current_key()] if settings.BACKUP_KEY else []
    for i, old in enumerate(settings.BACKUP_OLD_KEYS):
        keys.append(_decode_key(old, f"JINGUO_BACKUP_OLD_KEYS 第 {i + 1} 项"))
    return keys


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class SealedWriter(io.RawIOBase):
    """A write-only file whose bytes reach `target` sealed piece by piece; close() seals the
    last piece (an empty one if need be) and must be called for the file to be complete."""

    def __init__(self, target: IO[bytes]) -> None:
        super().__init__()
        key = current_key()
        self._target = target
        self._cipher = AESGCM(key)
        self._prefix = os.urandom(PREFIX_BYTES)
        self._header = MAGIC + key_id(key) + self._prefix
        self._buffer = bytearray()
        self._number = 0
        self.written = 0  # bytes written to `target`
        self._emit(self._header)

    def writable(self) -> bool:
        return True

    def _emit(self, data: bytes) -> None:
        self._target.write(data)
        self.written += len(data)

    def _seal(self, piece: bytes, last: bool) -> None:
        nonce = _nonce(self._prefix, self._number, last)
        sealed = self._cipher.encrypt(nonce, piece, self._header)
        self._emit(_LENGTH.pack(len(sealed)) + sealed)
        self._number += 1

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > PIECE:
            self._seal(bytes(self._buffer[:PIECE]), last=False)
            del self._buffer[:PIECE]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._target.flush()
        super().close()


class SealedReader(io.RawIOBase):
    """Reads back what SealedWriter wrote; each piece is opened (and so proven) before any of
    its bytes are handed out. BackupError (Chinese) on a wrong key, an altered piece, or a file
    cut short or carrying bytes after its last piece."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self._source = source
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupError("这不是 Jinguo 的加密备份文件（文件头不符）。")
        wanted = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]
        matching = [k for k in known_keys() if key_id(k) == wanted]
        if not matching:
            raise BackupError(
                "备份是用另一把备份密钥加密的：请在 JINGUO_BACKUP_KEY 或 JINGUO_BACKUP_OLD_KEYS "
                "中提供当时的备份密钥。未做任何恢复。"
            )
        self._cipher = AESGCM(matching[0])
        self._header = header
        self._prefix = header[-PREFIX_BYTES:]
        self._number = 0
        self._pending = b""
        self._offset = 0
        self._finished = False

    def readable(self) -> bool:
        return True

    def _next_piece(self) -> bytes:
        length = self._source.read(_LENGTH.size)
        if len(length) < _LENGTH.size:
            raise BackupError("备份文件不完整（结尾缺失），可能在复制时被截断；未做任何恢复。")
        (size,) = _LENGTH.unpack(length)
        sealed = self._source.read(size)
        if len(sealed) < size or size < TAG_BYTES or size > PIECE + TAG_BYTES:
            raise BackupError("备份文件不完整或已损坏；未做任何恢复。")
        for last in (False, True):
            try:
                nonce = _nonce(self._prefix, self._number, last)
                plain = self._cipher.decrypt(nonce, sealed, self._header)
            except InvalidTag:
                continue
            self._number += 1
            if last:
                self._finished = True
                if self._source.read(1):
                    raise BackupError("备份文件在结尾之后还有多余内容，已被改动；未做任何恢复。")
            return plain
        raise BackupError(
            f"备份文件已被改动或损坏（第 {self._number + 1} 段校验失败）；未做任何恢复。"
        )

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while self._offset >= len(self._pending) and not self._finished:
            self._pending, self._offset = self._next_piece(), 0
        count = min(len(buffer), len(self._pending) - self._offset)
        buffer[:count] = self._pending[self._offset : self._offset + count]
        self._offset += count
        return count
