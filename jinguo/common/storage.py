"""Uploaded files encrypted at rest: the default storage (settings.STORAGES["default"]).

Rosters (full ID numbers, phones, categories), their error workbooks and the photos of visits,
wishes, activities and love-bank items are written under MEDIA_ROOT as `JGF1` + nonce +
AES-256-GCM ciphertext under JINGUO_FIELD_KEY (jinguo/common/crypto.py), and read back in clear
only through this storage: `field_file.open("rb")`, never `field_file.path`. A file written before
this storage, without the header, is read as it is; `jinguo encrypt_media` encrypts those.

A small file is encrypted or decrypted whole in memory (photos are at most 5 MiB,
jinguo/common/uploads.py). A large one — a county's roster, 80 MB — is sealed a piece at a time
on saving, and read in clear a piece at a time into a temporary file by `plain_copy`
(jinguo/imports/running.py's `uploaded`), so neither the web process nor the worker holds it.

`size()` is FileSystemStorage's: the size on disk, i.e. the plain size + 32 bytes (header, nonce,
tag) for an encrypted file. No page shows it; read the file to know its plain size.
"""

import io
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from jinguo.common.crypto import (
    decrypt_bytes,
    decrypt_file,
    encrypt_bytes,
    encrypt_file,
    is_encrypted_bytes,
)

SMALL_FILE = 4 * 1024 * 1024  # sealed in memory; larger files a piece at a time


class DecryptedFile(File):
    """The plain content of a stored file, in memory. Reopening it (FieldFile.open on a closed
    file) reads it through the storage again, never the ciphertext from disk."""

    def __init__(self, storage: "EncryptedFileSystemStorage", name: str) -> None:
        self._storage = storage
        super().__init__(io.BytesIO(storage.read_plain(name)), name=name)

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> "DecryptedFile":
        if self.closed:
            self.file = io.BytesIO(self._storage.read_plain(str(self.name)))
        else:
            self.seek(0)
        return self


class EncryptedFileSystemStorage(FileSystemStorage):
    def read_plain(self, name: str) -> bytes:
        with open(self.path(name), "rb") as handle:
            return decrypt_bytes(handle.read())

    def plain_copy(self, name: str) -> IO[bytes]:
        """The plain content in an anonymous temporary file, decrypted a piece at a time: for
        files too large to hold in memory (a county's roster)."""
        target = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
        try:
            with open(self.path(name), "rb") as handle:
                decrypt_file(handle, target)
        except BaseException:
            target.close()
            raise
        target.seek(0)
        return target

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode != "rb":
            raise ValueError(f"encrypted media can only be opened for reading ('rb'), not {mode!r}")
        return DecryptedFile(self, name)

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        if (content.size or 0) <= SMALL_FILE:
            sealed: File = ContentFile(encrypt_bytes(content.read()))
            return super()._save(name, sealed)  # type: ignore[misc]  # not in django-stubs
        # A large upload (a county's roster) is sealed a piece at a time through a temporary
        # file, never held in memory.
        with tempfile.TemporaryFile() as target:
            encrypt_file(content.chunks(), target)
            target.seek(0)
            return super()._save(name, File(target))  # type: ignore[misc]


def encrypt_plain_files(root: Path) -> tuple[int, int]:
    """Encrypt in place every file under `root` written before this storage (no header);
    (encrypted, already encrypted). Each file is replaced atomically, so running it again, or
    after an interruption, is safe."""
    encrypted = already = 0
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if is_encrypted_bytes(data):
            already += 1
            continue
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".encrypting-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(encrypt_bytes(data))
            os.chmod(temporary, path.stat().st_mode & 0o777)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        encrypted += 1
    return encrypted, already
