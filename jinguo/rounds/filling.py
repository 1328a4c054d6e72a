"""What a target unit's answer holds, read from the records: the figures of the report sections
for its subtree and the round's period, and (for a work report) the drafted words. The same
selectors as the dashboard, so the answer, the dashboard and the work report agree.
"""

from typing import Any

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.reports.narrative import WorkReport, build_work_report
from jinguo.reports.sections import dashboard_sections
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
    sections = dashboard_sections(user=user, org=org, start=round_.start, end=round_.end)
    wanted = set(round_.figure_keys) if round_.kind == Round.Kind.FORM else None
    values: FigureValues = {}
    for section in sections:
        for figure in section.figures:
            if wanted is None or figure.key in wanted:
                values[figure.key] = {
                    "label": str(figure.label),
                    "value": figure.value,
                    "unit": str(figure.unit),
                    "section": str(section.title),
                    "url": figure.url,
                }
    keys = [k for k in round_.figure_keys if k in values] if wanted is not None else list(values)
    return {key: {**values[key], "order": i} for i, key in enumerate(keys)}


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


def live_figures_for(*, user: User, round_: Round, orgs: list[OrgUnit]) -> dict[int, FigureValues]:
    """The figures the records give today for each of `orgs` (by pk), as `read_figures` reads
    them. Every read of many targets' live figures goes through here: for now one dashboard
    read per unit; a grouped read will replace this body."""
    return {org.pk: read_figures(user=user, org=org, round_=round_) for org in orgs}
