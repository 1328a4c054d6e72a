"""What the generated work report (工作报告) says: its figures, per-child tables and notable
cases, gathered for one org and period from the apps' figures selectors.

`report_data` is the one place the report reads data. Its sections are the dashboard's
(jinguo.reports.sections: the one list of sections, titles and per-child tables), so the
report and the dashboard never disagree; the documents only need Section/ChildTable and
figure keys.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.cases.models import Case, CaseTransition
from jinguo.cases.selectors import cases_visible
from jinguo.orgs.models import OrgUnit
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.shapes import Section

MAX_NOTABLE = 50
CLOSED_STATUSES = (Case.Status.CLOSED, Case.Status.RATED)  # 结案, then 回访评价


@dataclass(frozen=True)
class NotableCase:
    number: str
    kind: str
    title: str
    status: str
    outcome: str
    tags: list[str]
    url: str


@dataclass
class ReportData:
    org: OrgUnit
    start: dt.date
    end: dt.date
    sections: list[Section]
    notable: list[NotableCase] = field(default_factory=list)
    today: dt.date = field(default_factory=timezone.localdate)  # the day it is written

    @property
    def period(self) -> str:
        return period_label(self.start, self.end, today=self.today)

    @property
    def title(self) -> str:
        """«嵩合社区妇联2026年工作总结»: a Chinese document's title (see reports.wording)."""
        return f"{self.org.name}妇联{self.period}工作总结"

    def value(self, key: str) -> int | float | None:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure.value
        return None


def period_label(start: dt.date, end: dt.date, *, today: dt.date | None = None) -> str:
    """ "2025年", "2025年上半年", "2025年第二季度", or "2025年1月1日至2025年5月20日".

    A period that runs from a calendar period's first day to `today`, inside it, is named as
    that calendar period: a summary written on 7 December covers «2026年» so far."""
    if today is not None and start <= end and end == today:
        end = _calendar_end(start, end)
    if start.year == end.year and start.month == 1 and start.day == 1:
        if (end.month, end.day) == (12, 31):
            return _("%(year)s年") % {"year": start.year}
        if (end.month, end.day) == (6, 30):
            return _("%(year)s年上半年") % {"year": start.year}
    if start.year == end.year and start.day == 1 and (start.month - 1) % 3 == 0:
        quarter_end = _month_end(start.year, start.month + 2)
        if end == quarter_end:
            names = [_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度")]
            return f"{start.year}年{names[(start.month - 1) // 3]}"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
        return _("%(year)s年下半年") % {"year": start.year}
    return f"{start:%Y}年{start.month}月{start.day}日至{end:%Y}年{end.month}月{end.day}日"


def _calendar_end(start: dt.date, end: dt.date) -> dt.date:
    """The end of the calendar period (quarter, half, year) that starts on `start` and holds
    `end`; `end` itself when there is none."""
    if start.day != 1 or start.year != end.year:
        return end
    candidates = []  # the longest first: «本年度» to date is the year, not its first quarter
    if start.month == 1:
        candidates.append(dt.date(start.year, 12, 31))
    if start.month in (1, 7):
        candidates.append(_month_end(start.year, start.month + 5))
    if (start.month - 1) % 3 == 0:
        candidates.append(_month_end(start.year, start.month + 2))
    return next((c for c in candidates if end <= c), end)


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


# --- notable cases --------------------------------------------------------------------------


def notable_cases(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[NotableCase]:
    """Cases of org's subtree closed in the period with an outcome that a report names: under
    red-card supervision, escalated to the upper federation, or settled by a written agreement.
    Never a sensitive case (domestic violence always is: cases.services.case_report), never one
    still open. Titles and outcomes only — no reporter, no party, no phone."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    escalated = Exists(
        CaseTransition.objects.filter(case=OuterRef("pk"), action=CaseTransition.Action.ESCALATE)
    )
    closed = Q(status__in=CLOSED_STATUSES, closed_at__gte=lo, closed_at__lt=hi)
    in_subtree = org.subtree_q("org__") | org.subtree_q("origin_org__")
    notable = (
        Q(supervision=Case.Supervision.RED) | Q(escalated=True) | Q(outcome=Case.Outcome.WRITTEN)
    )
    rows = (
        cases_visible(user=user)
        .annotate(escalated=escalated)
        .filter(in_subtree, closed, sensitive=False)
        .exclude(outcome=Case.Outcome.BLANK)
        .filter(notable)
        .order_by("closed_at", "number")[:MAX_NOTABLE]
    )
    result = []
    for case in rows:
        tags = []
        if case.supervision == Case.Supervision.RED:
            tags.append(_("红牌督办"))
        if case.escalated:
            tags.append(_("上报上级妇联"))
        if case.outcome == Case.Outcome.WRITTEN:
            tags.append(_("书面协议"))
        result.append(
            NotableCase(
                number=case.number,
                kind=str(case.get_kind_display()),
                title=case.title,
                status=str(case.get_status_display()),
                outcome=str(case.get_outcome_display()) if case.outcome else _("—"),
                tags=tags,
                url=reverse("cases:detail", args=[case.pk]),
            )
        )
    return result


# --- entry point ----------------------------------------------------------------------------


def report_data(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, today: dt.date | None = None
) -> ReportData:
    """Everything the report states for org's subtree and the period start … end (inclusive).
    The caller fetched org through the user's scope (org_param); `today` is the day the
    report is written (its date, and how an ongoing period is named)."""
    sections = dashboard_sections(user=user, org=org, start=start, end=end)
    notable = notable_cases(user=user, org=org, start=start, end=end)
    return ReportData(
        org=org,
        start=start,
        end=end,
        sections=sections,
        notable=notable,
        today=today or timezone.localdate(),
    )


def format_value(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"
