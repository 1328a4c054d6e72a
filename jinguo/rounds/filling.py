"""What a target unit's answer holds, read from the records: the figures of the report sections
for its subtree and the round's period, and (for a work report) the drafted words. The same
selectors as the dashboard, so the answer, the dashboard and the work report agree.
"""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.reports.document_data import period_label
from jinguo.reports.many import section_of_key, units_figures
from jinguo.reports.narrative import WorkReport, build_work_report
from jinguo.rounds.models import Round

# key → {"label", "value", "unit", "section", "url", "order"}. PostgreSQL's jsonb keeps no key
# order, so each figure carries its place: read them back through `in_order`.
FigureValues = dict[str, dict[str, Any]]


def in_order(figures: FigureValues) -> list[tuple[str, dict[str, Any]]]:
    """(key, figure) in the order they were read (the round's, or the sections')."""
    return sorted(figures.items(), key=lambda item: item[1].get("order", 0))


def read_figures(*, user: User, org: OrgUnit, round_: Round) -> FigureValues:
    """The figures of org's subtree for the round's period: the round's chosen keys (a form)
    or every figure (a work report), as the dashboard reads them."""
    return live_figures_for(user=user, round_=round_, orgs=[org])[org.pk]


def live_figures_for(
    *, user: User, round_: Round, orgs: Iterable[OrgUnit]
) -> dict[int, FigureValues]:
    """read_figures of every unit (by pk) at once: each section's grouped read (a few queries
    for all the units, whatever their number), the same figures each unit's dashboard gives.
    The units lie in the round's unit's subtree (its targets); one unit is read on its own
    (its writers may not see the unit that issued the round)."""
    units = list(orgs)
    form = round_.kind == Round.Kind.FORM
    per_unit = units_figures(
        user=user,
        org=units[0] if len(units) == 1 else round_.org,
        start=round_.start,
        end=round_.end,
        units=units,
        sections={section_of_key(k) for k in round_.figure_keys} if form else None,
    )
    text = _Texts()
    return {
        pk: _values(((spec.title, figures) for spec, figures in got), round_, text)
        for pk, got in per_unit.items()
    }


class _Texts(dict[Any, str]):
    """str() of the lazy labels, once per message: every unit's figures carry the same few
    hundred labels, and translating 300,000 of them one by one took half of a 1,000-unit
    round's filling. A lazy translation is known by its arguments (the message, and the
    context of a pgettext) and its kind; anything else by its identity."""

    def __call__(self, lazy: Any) -> str:
        if isinstance(lazy, str):
            return lazy
        args = getattr(lazy, "_args", None)
        plain = isinstance(args, tuple) and not getattr(lazy, "_kw", None)
        key = (type(lazy), args) if plain else id(lazy)
        if key not in self:
            self[key] = str(lazy)
        return self[key]


def _values(sections: Iterable[tuple[Any, list[Any]]], round_: Round, text: _Texts) -> FigureValues:
    wanted = set(round_.figure_keys) if round_.kind == Round.Kind.FORM else None
    values: FigureValues = {}
    for title, figures in sections:
        for figure in figures:
            if wanted is None or figure.key in wanted:
                values[figure.key] = {
                    "label": text(figure.label),
                    "value": figure.value,
                    "unit": text(figure.unit),
                    "section": text(title),
                    "url": figure.url,
                }
    keys = [k for k in round_.figure_keys if k in values] if wanted is not None else list(values)
    return {key: {**values[key], "order": i} for i, key in enumerate(keys)}


def values_only(figures: FigureValues) -> FigureValues:
    """What a target keeps of its figures: each value and its place. Its pages read the live
    figures (labels, links) and a submission freezes them whole; a round of a thousand units
    kept 20 MB of repeated labels and links."""
    return {key: {"value": f["value"], "order": f.get("order", 0)} for key, f in figures.items()}


def draft_report(*, user: User, org: OrgUnit, round_: Round) -> WorkReport:
    """The unit's work report for the round's period, dated today. The period is named as the
    round asked it: a round for 1 January to the day it was issued is «2026年», even when the
    unit writes a few days later."""
    today = timezone.localdate()
    report = build_work_report(
        user=user, org=org, start=round_.start, end=round_.end, today=min(round_.end, today)
    )
    report.date = f"{today.year}年{today.month}月{today.day}日"
    return report


def round_period(round_: Round) -> str:
    """The round's period as its reports name it: «2026年» for 1 January to the day it ends."""
    return period_label(round_.start, round_.end, today=round_.end)
