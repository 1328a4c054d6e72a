"""Template helpers of the visit pages. The household rows of the to-do and the picker (up to
300 a page) are rendered here in Python, escaped by format_html: through a template included
once a row they cost more than everything else on the page."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.households import masking
from jinguo.households.policy import sees_sensitive

register = template.Library()


def _day(day: dt.date) -> str:
    return day.strftime("%m-%d")  # the template's |date:"m-d"


@register.simple_tag
def visit_household_rows(rows: Iterable[Any], today: dt.date, user: User) -> SafeString:
    """One link a household to its visit form: number, head (a minor's name masked unless
    `user` sees sensitive details in clear, households.policy), grid, last visit, and a badge
    when due (应访) or overdue (逾期, the row red). `rows`: visits.selectors.household_rows."""
    create = reverse("visits:create")
    clear = sees_sensitive(user)
    word_last, word_overdue, word_due = _("上次"), _("逾期"), _("应访")
    items = []
    for h in rows:
        late = h.due is not None and h.due < today
        badge = ""
        if h.due is not None:
            badge = format_html(
                '<span class="badge {}">{} {}</span>',
                "text-bg-danger" if late else "text-bg-warning",
                word_overdue if late else word_due,
                _day(h.due),
            )
        head = ""
        if h.head_id is not None:
            head = masking.person_name(h.head__name, h.head__birth_date, clear=clear, today=today)
        items.append(
            (
                " list-group-item-danger" if late else "",
                f"{create}?household={h.pk}",
                h.number,
                head,
                h.grid__name,
                format_html(" · {} {}", word_last, _day(h.last_visit)) if h.last_visit else "",
                badge,
            )
        )
    return format_html_join(
        "\n",
        '<a class="list-group-item list-group-item-action py-3 d-flex justify-content-between'
        ' align-items-center{}" href="{}">\n'
        '  <span><strong>{}</strong> {}<br><small class="text-muted">{}{}</small></span>\n'
        "  {}\n"
        "</a>",
        items,
    )
