"""What a target unit's answer holds, read from the records: the figures of the report sections
for its subtree and the round's period, and (for a work report) the drafted words. The same
selectors as the dashboard, so the answer, the dashboard and the work report agree.
"""

from typing import Any

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.reports.narrative import WorkReport, build_work_report
from jinguo.reports.sections import SECTIONS, dashboard_sections
from jinguo.rounds.models import Round

FigureValues = dict[str, dict[str, Any]]  # key → {"label", "value", "unit"}


def figure_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(figure key, label)]) for a round's form: every figure of every
    section, read once for an empty unit-less shape (labels do not depend on data)."""
    return [(str(spec.title), []) for spec in SECTIONS]


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
                }
    if wanted is not None:  # the round's order
        values = {k: values[k] for k in round_.figure_keys if k in values}
    return values


def draft_report(*, user: User, org: OrgUnit, round_: Round) -> WorkReport:
    return build_work_report(
        user=user, org=org, start=round_.start, end=round_.end, today=timezone.localdate()
    )
