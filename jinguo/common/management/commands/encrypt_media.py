"""`jinguo encrypt_media`: encrypt in place the uploaded files written before uploads were
encrypted at rest (jinguo/common/storage.py). Files already encrypted are left alone, so it can
be run any number of times."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jinguo.common.storage import encrypt_plain_files


class Command(BaseCommand):
    help = "加密 MEDIA_ROOT 下尚未加密的上传文件（可重复运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        encrypted, already = encrypt_plain_files(Path(settings.MEDIA_ROOT))
        self.stdout.write(
            self.style.SUCCESS(
                _("已加密 %(encrypted)d 个文件；%(already)d 个文件原已加密")
                % {"encrypted": encrypted, "already": already}
            )
        )
