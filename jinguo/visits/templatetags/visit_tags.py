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
from jinguo.common.html import esc
from jinguo.households import masking
from jinguo.households.policy import sees_sensitive
from jinguo.visits.selectors import home_todo

register = template.Library()


def _day(day: dt.date) -> str:
    return day.strftime("%m-%d")  # the template's |date:"m-d"


@register.simple_tag
def visit_household_rows(rows: Iterable[Any], today: dt.date, user: User) -> SafeString:
    """One link a household to its visit form: number, head (a minor's name masked unless
    `user` sees sensitive details in clear, households.policy), grid, last visit, and a badge
    when due (应访) or overdue (逾期, the row red). `rows`: visits.selectors.household_rows.
    Every value is escaped by common.html.esc (format_html cost more than the query)."""
    create = esc(reverse("visits:create"))
    clear = sees_sensitive(user)
    word_last, word_overdue, word_due = esc(_("上次")), esc(_("逾期")), esc(_("应访"))
    items = []
    for h in rows:
        late = h.due is not None and h.due < today
        badge = ""
        if h.due is not None:
            css, word = ("text-bg-danger", word_overdue) if late else ("text-bg-warning", word_due)
            badge = f'<span class="badge {css}">{word} {_day(h.due)}</span>'
        head = ""
        if h.head_id is not None:
            head = masking.person_name(h.head__name, h.head__birth_date, clear=clear, today=today)
        last = f" · {word_last} {_day(h.last_visit)}" if h.last_visit else ""
        items.append(
            '<a class="list-group-item list-group-item-action py-3 d-flex justify-content-between'
            f' align-items-center{" list-group-item-danger" if late else ""}"'
            f' href="{create}?household={int(h.pk)}">\n'
            f"  <span><strong>{esc(h.number)}</strong> {esc(head)}<br>"
            f'<small class="text-muted">{esc(h.grid__name)}{last}</small></span>\n'
            f"  {badge}\n"
            "</a>"
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
