"""The columns of the points exports: the ledger and the love bank's redemptions."""

from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column
from jinguo.points.models import PointEntry, Redemption

LEDGER_COLUMNS: list[Column[PointEntry]] = [
    Column(_("日期"), lambda e: e.day),
    Column(_("执委"), lambda e: e.person.name),
    Column(_("组织"), lambda e: e.org.name),
    Column(_("类型"), lambda e: e.get_kind_display()),
    Column(_("履职事项"), lambda e: e.get_action_display()),
    Column(_("积分"), lambda e: e.amount),
    Column(_("理由"), lambda e: e.reason),
]

REDEMPTION_COLUMNS: list[Column[Redemption]] = [
    Column(_("日期"), lambda r: r.entry.day),
    Column(_("兑换券号"), lambda r: r.voucher),
    Column(_("执委"), lambda r: r.person.name),
    Column(_("爱心银行"), lambda r: r.item.org.name),
    Column(_("物品"), lambda r: r.item.name),
    Column(_("数量"), lambda r: r.quantity),
    Column(_("积分"), lambda r: r.points),
    Column(_("领取时间"), lambda r: r.handed_over_at),
]
