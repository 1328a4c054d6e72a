"""The points section's figures built from their counts: the one place that names each
figure's key, label, link and unit. The single unit's read (selectors.points_figures) and the
grouped read of many units (selectors.points_figures_grouped) count differently and build
alike."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.orgs.models import OrgUnit


def points_figures_from(
    counts: Mapping[str, Any], *, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Figure]:
    """The figures of org's subtree from `counts`: the period ledger's "approved" and
    "redeemed" sums (None: no entry; redeemed entries are negative), "pending" entries, the
    "items" redeemed (a sum), the "executives" and "volunteers" with points and the
    "nominations"."""
    period = {"org": org.pk, "start": start, "end": end}
    return [
        Figure(
            "points.approved",
            _("审核通过积分"),
            int(counts["approved"] or 0),
            figure_url(list_url("points:ledger"), kind="approve", **period),
            _("分"),
        ),
        Figure(
            "points.pending",
            _("待审核条目"),
            counts["pending"],
            figure_url(list_url("points:ledger"), status="pending", **period),
            _("条"),
        ),
        Figure(
            "points.redeemed",
            _("兑换积分"),
            -int(counts["redeemed"] or 0),
            figure_url(list_url("points:ledger"), kind="redeem", **period),
            _("分"),
        ),
        Figure(
            "points.items",
            _("兑换物品"),
            int(counts["items"] or 0),
            figure_url(list_url("points:redemptions"), **period),
            _("件"),
        ),
        Figure(
            "points.executives",
            _("获得积分的执委"),
            counts["executives"],
            figure_url(list_url("points:rankings"), who="executives", **period),
            _("人"),
        ),
        Figure(
            "points.volunteers",
            _("获得积分的志愿者"),
            counts["volunteers"],
            figure_url(list_url("points:rankings"), who="volunteers", **period),
            _("人"),
        ),
        Figure(
            "points.nominations",
            _("最美执委推荐"),
            counts["nominations"],
            figure_url(list_url("points:nominations"), **period),
            _("人"),
        ),
    ]
