"""What the scheduled-backup tests share: a backup directory of their own, and the archive's
restore with the keywords of issue 27's rewrite (`using`, `media_root`) until it lands."""

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import override_settings

from jinguo.backups import archive
from jinguo.backups.scratch import routed_to


@pytest.fixture
def backup_dir(settings, tmp_path) -> Path:
    settings.JINGUO_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.JINGUO_BACKUP_DIR


@pytest.fixture
def restore_into_alias(monkeypatch) -> Iterator[None]:
    """Today's restore(source) run against the connection `using` names and into `media_root`;
    nothing to do once the archive takes those keywords itself."""
    if "using" in inspect.signature(archive.restore).parameters:
        yield
        return
    original = archive.restore

    def restore(source: Path, *, using: str = "default", **kwargs: Any) -> dict[str, Any]:
        media_root = kwargs.get("media_root")
        with monkeypatch.context() as patch:
            patch.setattr(archive, "connection", connections[using])
            patch.setattr(
                archive, "transaction", SimpleNamespace(atomic=lambda: transaction.atomic(using))
            )
            with routed_to(using), override_settings(MEDIA_ROOT=media_root):
                return original(source)

    monkeypatch.setattr(archive, "restore", restore)
    yield
