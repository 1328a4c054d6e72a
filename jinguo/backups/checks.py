"""`jinguo check --deploy`: the weekly restore drill can work on this site. A backup restores only
into the kind of database it came from, so a site on PostgreSQL names a scratch PostgreSQL
database for the drill (JINGUO_DRILL_DATABASE_URL); without one the drill restores into SQLite
and fails every week."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register
from django.utils.translation import gettext as _


def _site_engine() -> str:
    return str(settings.DATABASES["default"].get("ENGINE", ""))


@register("backups", deploy=True)
def check_drill_database(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    if "postgresql" not in _site_engine() or settings.JINGUO_DRILL_DATABASE_URL:
        return []
    return [
        Warning(
            _("站点使用 PostgreSQL，但没有设置恢复演练用的数据库（JINGUO_DRILL_DATABASE_URL）。"),
            hint=_(
                "备份只能恢复到同类数据库：把 JINGUO_DRILL_DATABASE_URL 设为同一服务器上一个"
                "演练专用的数据库（演练会删除并重建它），否则每周的恢复演练都会失败。"
            ),
            id="backups.W001",
        )
    ]
