"""Template helpers of the case pages. The list's rows are rendered here in Python, every
value escaped by common.html.esc: through the template they cost ≈15,000 Python calls a 50-row
page, a third of them in Django's get_FOO_display, which re-translates every choice to look one
up, and format_html's lazy-string checks on every argument cost as much again."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from django.utils.translation import ngettext

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.cases.home import home_cases
from jinguo.cases.models import Case, CaseKind
from jinguo.cases.selectors import CaseRow, Clock, case_clock
from jinguo.common.html import esc, url_for_pk

register = template.Library()


@register.filter
def clock(case: Case, now: dt.datetime) -> Clock:
    return case_clock(case, now)


def _labels(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """value → label in the current language (what get_FOO_display shows), escaped."""
    return {value: esc(label) for value, label in choices}


class _Badges:
    """The badge words, translated and escaped once per page rather than once per row."""

    def __init__(self) -> None:
        self.status = _labels(Case.Status.choices)
        self.overdue, self.warning = esc(_("超期")), esc(_("临期"))
        self.red, self.yellow = esc(_("红牌督办")), esc(_("黄牌督办"))
        self.high_risk = esc(_("高风险"))

    def html(self, case: Case | CaseRow, clock: Clock) -> SafeString:
        """Status, time limit (超期/临期), supervision (红牌/黄牌督办), high risk."""
        flags: list[tuple[str, str]] = []
        if clock.is_overdue:
            flags.append(("danger", self.overdue))
        elif clock.is_warning:
            flags.append(("warning", self.warning))
        if case.supervision == Case.Supervision.RED:
            flags.append(("danger", self.red))
        elif case.supervision == Case.Supervision.YELLOW:
            flags.append(("warning", self.yellow))
        if case.is_high_risk:
            flags.append(("dark", self.high_risk))
        status = self.status.get(case.status) or esc(case.status)
        extra = "".join(f' <span class="badge text-bg-{css}">{w}</span>' for css, w in flags)
        return mark_safe(f'<span class="badge text-bg-light">{status}</span>{extra}')  # noqa: S308


@register.simple_tag
def case_badges(case: Case, clock: Clock) -> SafeString:
    return _Badges().html(case, clock)


def _assignee(row: CaseRow) -> str:
    return "" if row.assignee_name is None else f" · {esc(row.assignee_name)}"


@register.simple_tag
def case_rows(cases: Iterable[CaseRow], now: dt.datetime) -> SafeString:
    """The list's rows (cases/case_rows.html): title and badges, number, kind, handling unit,
    assignee and time limit, each a link to the case (selectors.case_rows)."""
    badges, kinds, limit = _Badges(), _labels(CaseKind.choices), esc(_("时限"))
    detail, zone = url_for_pk("cases:detail"), timezone.get_current_timezone()
    rows = (
        f'<a class="list-group-item list-group-item-action" href="{esc(detail(c.pk))}">\n'
        '    <div class="d-flex justify-content-between gap-2">\n'
        f"      <strong>{esc(c.title)}</strong>\n"
        f"      <span>{badges.html(c, case_clock(c, now))}</span>\n"
        "    </div>\n"
        f'    <div class="small text-muted">{esc(c.number)} · {kinds.get(c.kind) or esc(c.kind)}'
        f" · {esc(c.org_name)}{_assignee(c)}"
        f" · {limit} {c.due_at.astimezone(zone).strftime('%Y-%m-%d')}</div>\n"
        "  </a>"
        for c in cases
    )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above went through esc)


@register.simple_tag
def case_cards(cases: Iterable[CaseRow], now: dt.datetime) -> SafeString:
    """The list's rows as cards for narrow screens: each a link to the case (title, badges,
    number, kind, handling unit, assignee, time limit and the days left or past it) beside a
    «查看» button to it. The same rows as case_rows."""
    badges, kinds, limit = _Badges(), _labels(CaseKind.choices), esc(_("时限"))
    detail, zone, word_open = url_for_pk("cases:detail"), timezone.get_current_timezone(), _("查看")
    cards = []
    for c in cases:
        url = esc(detail(c.pk))
        cards.append(
            '<div class="list-group-item d-flex justify-content-between align-items-center gap-2"'
            f' data-case="{int(c.pk)}">\n'
            f'  <a class="list-card-body text-reset text-decoration-none py-1" href="{url}">\n'
            f"    <strong>{esc(c.title)}</strong>\n"
            f"    <div>{badges.html(c, case_clock(c, now))}</div>\n"
            f'    <div class="small text-muted">{esc(c.number)}'
            f" · {kinds.get(c.kind) or esc(c.kind)}"
            f" · {esc(c.org_name)}{_assignee(c)}</div>\n"
            f'    <div class="small">{limit} {c.due_at.astimezone(zone).strftime("%m-%d")}'
            f" · {esc(_days_left(c, now))}</div>\n"
            "  </a>\n"
            f'  <a class="btn btn-outline-primary list-card-action" href="{url}">'
            f"{esc(word_open)}</a>\n"
            "</div>"
        )
    return mark_safe("\n".join(cards))  # noqa: S308 (every value above went through esc)


HOME_TITLES = {
    "mine": _noop("我承办的诉求"),
    "accept": _noop("待受理"),
    "verify": _noop("待核查"),
    "supervise": _noop("下级超期待督办"),
}
HOME_ACTIONS = {"accept": _noop("受理"), "verify": _noop("核查"), "supervise": _noop("督办")}


@register.inclusion_tag("cases/_home.html")
def case_home(user: User) -> dict[str, Any]:
    """The cases waiting on `user` (cases.home), each with its time left; a leader reads them
    without action buttons."""
    now = timezone.now()
    groups = []
    for group in home_cases(user=user, now=now):
        action = HOME_ACTIONS.get(group.key) if user.role == Role.CADRE else None
        badges = _Badges()
        rows = [(r, _days_left(r, now), badges.html(r, case_clock(r, now))) for r in group.rows]
        groups.append(
            {
                "key": group.key,
                "title": _(HOME_TITLES[group.key]),
                "action": _(action) if action else "",
                "count": group.count,
                "rows": rows,
            }
        )
    return {"groups": groups}


def _days_left(row: CaseRow, now: dt.datetime) -> str:
    """The time left in words: days to the limit, or days past it."""
    if case_clock(row, now).time_left_ratio is None:
        return _("已停止计时")
    days = (timezone.localdate(row.due_at) - timezone.localdate(now)).days
    if days < 0:
        return ngettext("已超期 %(n)d 天", "已超期 %(n)d 天", -days) % {"n": -days}
    return ngettext("剩 %(n)d 天", "剩 %(n)d 天", days) % {"n": days}
