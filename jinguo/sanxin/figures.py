"""The 三新 section's figures built from their counts: the one place that names each figure's
key, label, link and unit. The single unit's read (selectors.sanxin_figures) and the grouped
read of many units (selectors.sanxin_figures_grouped) count differently and build alike."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.orgs.models import OrgUnit
from jinguo.sanxin.models import SanxinTarget

ORG_FIGURE_LABELS: dict[str, Any] = {
    "orgs_registered": _("登记三新组织"),
    "federations": _("期间建立三新妇联组织"),
    "federations_new_economic": _("其中新经济组织妇联"),
    "federations_new_social": _("其中新社会组织妇联"),
    "federations_new_employment": _("其中新就业群体妇联"),
    "federations_logistics": _("其中外卖、快递物流、直播电商领域"),
}


@dataclass(frozen=True)
class Progress:
    """A 三新 target's progress: the value counted against the target, and the pace."""

    value: int
    target_value: int
    percent: float  # of the target, may pass 100
    expected: float  # where a straight line from period_start to the deadline is today
    on_track: bool
    url: str  # the records counted

    @property
    def bar(self) -> float:
        return min(self.percent, 100.0)


@dataclass(frozen=True)
class SanxinCounts:
    """What one unit's figures count."""

    # Each ORG_FIGURE_LABELS key, and the declared head counts "workers" and "women" (None:
    # no organisation to sum).
    registry: Mapping[str, Any]
    listed: Mapping[str, int]  # the worker base: "all", "women"
    exemplary: int
    targets: Sequence[tuple[SanxinTarget, Progress]]  # the unit's own targets


def sanxin_figures_from(
    counts: SanxinCounts, *, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Figure]:
    """The 两库两册 figures of org's subtree from their counts, each linking to its records."""
    common = {"org": org.pk, "start": start, "end": end}
    registry = counts.registry
    figures = [
        Figure(
            key=f"sanxin.{key}",
            label=label,
            value=int(registry[key] or 0),
            url=figure_url(list_url("sanxin:list"), figure=key, **common),
            unit=_("个"),
        )
        for key, label in ORG_FIGURE_LABELS.items()
    ]
    registry_url = figure_url(list_url("sanxin:list"), figure="orgs_registered", **common)
    figures += [
        Figure(
            "sanxin.workers_declared",
            _("三新组织从业人员"),
            int(registry["workers"] or 0),
            registry_url,
            _("人"),
        ),
        Figure(
            "sanxin.women_declared",
            _("其中女性"),
            int(registry["women"] or 0),
            registry_url,
            _("人"),
        ),
        Figure(
            "sanxin.workers_listed",
            _("工作者库在册"),
            counts.listed["all"],
            figure_url(list_url("sanxin:workers"), org=org.pk),
            _("人"),
        ),
        Figure(
            "sanxin.women_listed",
            _("女性名册"),
            counts.listed["women"],
            figure_url(list_url("sanxin:workers"), org=org.pk, women=1),
            _("人"),
        ),
        Figure(
            "sanxin.exemplary",
            _("优秀女性名册"),
            counts.exemplary,
            figure_url(list_url("sanxin:exemplary"), org=org.pk),
            _("人"),
        ),
    ]
    figures += [
        Figure(f"sanxin.target.{target.pk}", target.title, progress.percent, progress.url, "%")
        for target, progress in counts.targets
    ]
    return figures
