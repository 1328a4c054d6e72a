"""The columns of the honours export (one row an honour, family or individual)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column

HONOUR_COLUMNS: list[Column[Any]] = [
    Column(_("家庭/姓名"), lambda h: h.name),
    Column(_("称号"), lambda h: h.title_label),
    Column(_("特色主题"), lambda h: getattr(h, "theme", "")),
    Column(_("级别"), lambda h: h.get_level_display()),
    Column(_("年度"), lambda h: h.year),
    Column(_("所在组织"), lambda h: h.org.name),
    Column(_("状态"), lambda h: h.get_status_display()),
    Column(_("授予日期"), lambda h: h.awarded_on),
    Column(_("事迹"), lambda h: h.deeds),
]
