"""The ledger's rows (households/household_rows.html), rendered in Python: through the template
a 50-row page cost ≈25,000 Python calls of variable look-ups, {% url %}, {% translate %} and
filters, and through format_html ≈2,000 lazy-string checks. Every value is escaped by
common.html.esc. Sensitive categories and minors' names are shown as household_tags'
categories_for and name_for show them (households.masking)."""

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.common.html import esc, url_for_pk
from jinguo.households.models import Household, HouseholdAssignment
from jinguo.households.templatetags.household_tags import categories_for, name_for, open_of

register = template.Library()

RESPONSIBLE = HouseholdAssignment.Kind.RESPONSIBLE
COVERING = HouseholdAssignment.Kind.COVERING


class _Words:
    """The row's words, translated and escaped once per page."""

    def __init__(self) -> None:
        self.living_grid, self.unassigned, self.several = _("现居住网格"), _("未包保"), _("多人")
        self.nearby, self.uncovered, self.lives = _("就近："), _("未落实就近联系"), _("现住：")
        for name, value in vars(self).items():
            setattr(self, name, esc(value))


def _head(h: Household, user: User) -> str:
    if h.head is None:
        return '<span class="text-muted">—</span>'
    tail = h.head.id_tail
    small = f' <small class="text-muted">…{esc(tail)}</small>' if tail else ""
    return f"{esc(name_for(h.head, user))}{small}"


def _grid(h: Household, words: _Words) -> str:
    if not h.is_relocated:
        return esc(h.grid.name)
    living = esc(h.living_grid.name) if h.living_grid else ""
    return (
        f'{esc(h.grid.name)} <span class="badge text-bg-light" title="{words.living_grid}">'
        f"→ {living}</span>"
    )


def _executives(h: Household, words: _Words) -> str:
    """包保 executives (未包保 / 多人 badges) and, for a relocated family, 就近联系 ones."""
    responsible = open_of(h, RESPONSIBLE)
    if responsible:
        html = "、".join(esc(a.executive.name) for a in responsible)
    else:
        html = f'<span class="badge text-bg-danger">{words.unassigned}</span>'
    if len(responsible) > 1:
        html += f' <span class="badge text-bg-warning">{words.several}</span>'
    if h.is_relocated:
        covering = open_of(h, COVERING)
        nearby = "".join(
            f'<div class="small text-muted">{words.nearby}{esc(a.executive.name)}</div>'
            for a in covering
        )
        if not covering:
            nearby = f'<div><span class="badge text-bg-warning">{words.uncovered}</span></div>'
        html = f"{html}\n        {nearby}"
    return html


def _address(h: Household, words: _Words) -> str:
    if h.is_relocated and h.living_address:
        return f'{esc(h.address)}<div class="text-muted">{words.lives}{esc(h.living_address)}</div>'
    return esc(h.address)


def _categories(h: Household, user: User) -> str:
    return "".join(
        f'<span class="badge text-bg-light me-1">{esc(name)}</span>'
        for name in categories_for(h, user)
    )


@register.simple_tag
def ledger_rows(households: Iterable[Household], user: User) -> SafeString:
    """The <tr>s of the ledger: number (a link), head (…ID tail), grid (→ where a relocated
    family lives), categories, executives, address. Needs household_list's select_related and
    prefetches (no query a row)."""
    words, detail = _Words(), url_for_pk("households:detail")
    rows = (
        "    <tr>\n"
        f'      <td><a href="{esc(detail(h.pk))}">{esc(h.number)}</a></td>\n'
        f"      <td>{_head(h, user)}</td>\n"
        f"      <td>{_grid(h, words)}</td>\n"
        f"      <td>{_categories(h, user)}</td>\n"
        f"      <td>{_executives(h, words)}</td>\n"
        f'      <td class="d-none d-md-table-cell small">{_address(h, words)}</td>\n'
        "    </tr>"
        for h in households
    )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above went through esc)
