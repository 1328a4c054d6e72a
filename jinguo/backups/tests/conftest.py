"""What the scheduled-backup tests share: a backup directory of their own."""

from pathlib import Path

import pytest


@pytest.fixture
def backup_dir(settings, tmp_path) -> Path:
    settings.JINGUO_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.JINGUO_BACKUP_DIR
