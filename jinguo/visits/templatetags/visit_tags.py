"""Template helpers of the visit pages. The household rows of the to-do and the picker (up to
300 a page) are rendered here in Python, escaped by common.html.esc: through a template included
once a row they cost more than everything else on the page."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.common.html import esc, url_for_pk
from jinguo.households import masking
from jinguo.households.policy import sees_sensitive
from jinguo.visits.selectors import home_todo

register = template.Library()


def _day(day: dt.date) -> str:
    return day.strftime("%m-%d")  # the template's |date:"m-d"


class _Row:
    """What a to-do or picker row shows of a household `h` (visits.selectors.household_rows):
    its head (masked unless `clear`), whether it is overdue, its badge and its last visit."""

    def __init__(self, h: Any, today: dt.date, clear: bool, words: dict[str, str]) -> None:
        self.late = h.due is not None and h.due < today
        self.badge = ""
        if h.due is not None:
            css, word = ("danger", words["overdue"]) if self.late else ("warning", words["due"])
            self.badge = f'<span class="badge text-bg-{css}">{word} {_day(h.due)}</span>'
        self.head = ""
        if h.head_id is not None:
            name = masking.person_name(h.head__name, h.head__birth_date, clear=clear, today=today)
            self.head = esc(name)
        self.last = f" · {words['last']} {_day(h.last_visit)}" if h.last_visit else ""


def _words() -> dict[str, str]:
    words = {"last": _("上次"), "overdue": _("逾期"), "due": _("应访"), "visit": _("走访")}
    return {key: esc(word) for key, word in words.items()}


@register.simple_tag
def visit_household_rows(rows: Iterable[Any], today: dt.date, user: User) -> SafeString:
    """One link a household to its visit form: number, head (a minor's name masked unless
    `user` sees sensitive details in clear, households.policy), grid, last visit, and a badge
    when due (应访) or overdue (逾期, the row red). `rows`: visits.selectors.household_rows.
    Every value is escaped by common.html.esc (format_html cost more than the query)."""
    create = esc(reverse("visits:create"))
    clear, words = sees_sensitive(user), _words()
    items = []
    for h in rows:
        row = _Row(h, today, clear, words)
        items.append(
            '<a class="list-group-item list-group-item-action py-3 d-flex justify-content-between'
            f' align-items-center{" list-group-item-danger" if row.late else ""}"'
            f' href="{create}?household={int(h.pk)}">\n'
            f"  <span><strong>{esc(h.number)}</strong> {row.head}<br>"
            f'<small class="text-muted">{esc(h.grid__name)}{row.last}</small></span>\n'
            f"  {row.badge}\n"
            "</a>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every value above went through esc)


@register.simple_tag
def visit_household_cards(rows: Iterable[Any], today: dt.date, user: User) -> SafeString:
    """The to-do's households as cards for narrow screens: each a link to the household (number,
    head, grid, its badge: 逾期 or 应访 and the day, last visit; red when overdue) beside a
    «走访» button to the visit form for it. The same rows and masking as visit_household_rows."""
    create, detail = esc(reverse("visits:create")), url_for_pk("households:detail")
    clear, words = sees_sensitive(user), _words()
    items = []
    for h in rows:
        row = _Row(h, today, clear, words)
        items.append(
            '<div class="list-group-item d-flex justify-content-between align-items-center gap-2'
            f'{" list-group-item-danger" if row.late else ""}" data-household="{int(h.pk)}">\n'
            f'  <a class="list-card-body text-reset text-decoration-none py-1"'
            f' href="{esc(detail(h.pk))}">\n'
            f"    <strong>{esc(h.number)}</strong> {row.head}<br>\n"
            f'    <small class="text-muted">{esc(h.grid__name)}{row.last}</small>\n'
            f"    <div>{row.badge}</div>\n"
            "  </a>\n"
            f'  <a class="btn btn-primary list-card-action" href="{create}?household={int(h.pk)}">'
            f"{words['visit']}</a>\n"
            "</div>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every value above went through esc)


@register.inclusion_tag("visits/_home.html")
def visit_home(user: User) -> dict[str, Any]:
    """A grid member's households overdue and due this week (visits.selectors.home_todo), the
    first few of each with a «走访» button to the visit form; nothing for other roles."""
    if user.role != Role.GRID_MEMBER:
        return {"todo": None}
    today = timezone.localdate()
    todo = home_todo(user=user, today=today)
    clear = sees_sensitive(user)

    def head(row: Any) -> str:
        if row.head_id is None:
            return ""
        return masking.person_name(row.head__name, row.head__birth_date, clear=clear, today=today)

    return {
        "todo": todo,
        "overdue": [(row, head(row)) for row in todo.overdue],
        "due": [(row, head(row)) for row in todo.due],
    }
