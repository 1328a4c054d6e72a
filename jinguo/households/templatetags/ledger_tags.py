"""The ledger's rows (households/household_rows.html), rendered in Python and escaped by
format_html: through the template a 50-row page cost ≈25,000 Python calls of variable look-ups,
{% url %}, {% translate %} and filters. Sensitive categories and minors' names are shown as
household_tags' categories_for and name_for show them (households.masking)."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.common.html import url_for_pk
from jinguo.households.models import Household, HouseholdAssignment
from jinguo.households.templatetags.household_tags import categories_for, name_for, open_of

register = template.Library()

RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING


class _Words:
    """The row's words, translated once per page."""

    def __init__(self) -> None:
        self.living_grid, self.unassigned, self.several = _("现居住网格"), _("未包保"), _("多人")
        self.nearby, self.uncovered, self.lives = _("就近："), _("未落实就近联系"), _("现住：")


def _head(h: Household, user: User) -> SafeString:
    if h.head is None:
        return mark_safe('<span class="text-muted">—</span>')
    tail = h.head.id_tail
    return format_html(
        "{}{}",
        name_for(h.head, user),
        format_html(' <small class="text-muted">…{}</small>', tail) if tail else "",
    )


def _grid(h: Household, words: _Words) -> SafeString:
    if not h.is_relocated:
        return format_html("{}", h.grid.name)
    return format_html(
        '{} <span class="badge text-bg-light" title="{}">→ {}</span>',
        h.grid.name,
        words.living_grid,
        h.living_grid.name if h.living_grid else "",
    )


def _executives(h: Household, words: _Words) -> SafeString:
    """包保 executives (未包保 / 多人 badges) and, for a relocated family, 就近联系 ones."""
    responsible = open_of(h, RESPONSIBLE)
    if responsible:
        html = format_html_join("、", "{}", ((a.executive.name,) for a in responsible))
    else:
        html = format_html('<span class="badge text-bg-danger">{}</span>', words.unassigned)
    if len(responsible) > 1:
        html = format_html('{} <span class="badge text-bg-warning">{}</span>', html, words.several)
    if h.is_relocated:
        covering = open_of(h, COVERING)
        nearby = format_html_join(
            "",
            '<div class="small text-muted">{}{}</div>',
            ((words.nearby, a.executive.name) for a in covering),
        )
        if not covering:
            nearby = format_html(
                '<div><span class="badge text-bg-warning">{}</span></div>', words.uncovered
            )
        html = format_html("{}\n        {}", html, nearby)
    return html


def _address(h: Household, words: _Words) -> SafeString:
    if h.is_relocated and h.living_address:
        return format_html(
            '{}<div class="text-muted">{}{}</div>', h.address, words.lives, h.living_address
        )
    return format_html("{}", h.address)


@register.simple_tag
def ledger_rows(households: Iterable[Household], user: User) -> SafeString:
    """The <tr>s of the ledger: number (a link), head (…ID tail), grid (→ where a relocated
    family lives), categories, executives, address. Needs household_list's select_related and
    prefetches (no query a row)."""
    words, detail = _Words(), url_for_pk("households:detail")
    return format_html_join(
        "\n",
        "    <tr>\n"
        '      <td><a href="{}">{}</a></td>\n'
        "      <td>{}</td>\n"
        "      <td>{}</td>\n"
        "      <td>{}</td>\n"
        "      <td>{}</td>\n"
        '      <td class="d-none d-md-table-cell small">{}</td>\n'
        "    </tr>",
        (
            (
                detail(h.pk),
                h.number,
                _head(h, user),
                _grid(h, words),
                format_html_join(
                    "",
                    '<span class="badge text-bg-light me-1">{}</span>',
                    ((name,) for name in categories_for(h, user)),
                ),
                _executives(h, words),
                _address(h, words),
            )
            for h in households
        ),
    )
