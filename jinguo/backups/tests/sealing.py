"""Opening and re-sealing a backup in tests, as someone holding the backup key could."""

import gzip
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

from jinguo.backups.sealed import SealedReader, SealedWriter


def plain_tar(archive: Path) -> bytes:
    with archive.open("rb") as handle:
        return gzip.decompress(SealedReader(handle).read())


def open_plain(archive: Path) -> dict[str, bytes]:
    """name → content of every member, in the archive's order."""
    members: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(plain_tar(archive)), mode="r:") as src:
        for member in src.getmembers():
            handle = src.extractfile(member)
            members[member.name] = handle.read() if handle else b""
    return members


def seal_plain(content: bytes, target: Path) -> None:
    with target.open("wb") as out, SealedWriter(out) as sealed:
        sealed.write(gzip.compress(content))


def rewrite(
    archive: Path,
    target: Path,
    changes: dict[str, Callable[[bytes], bytes] | None],
    extra: dict[str, bytes] | None = None,
) -> None:
    """A copy of `archive` with members changed (None drops one) and `extra` members added
    before the manifest, sealed again under the current key."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as dst:
        for name, content in open_plain(archive).items():
            if name == "manifest.json":
                for added, data in (extra or {}).items():
                    dst.addfile(_info(added, data), io.BytesIO(data))
            change = changes.get(name, lambda b: b)
            if change is None:
                continue
            content = change(content)
            dst.addfile(_info(name, content), io.BytesIO(content))
    seal_plain(buffer.getvalue(), target)


def _info(name: str, content: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info
