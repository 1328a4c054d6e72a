"""The ledger's rows (households/household_rows.html), rendered in Python: through the template
a 50-row page cost ≈25,000 Python calls of variable look-ups, {% url %}, {% translate %} and
filters, and through format_html ≈2,000 lazy-string checks. Every value is escaped by
common.html.esc. Sensitive categories and minors' names are masked as household_tags'
categories_for and name_for mask them (households.masking), decided once a page."""

import datetime as dt
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.common.html import esc, url_for_pk
from jinguo.households import masking
from jinguo.households.ledger import LedgerRow
from jinguo.households.policy import sees_sensitive

register = template.Library()


class _Words:
    """The row's words, translated and escaped once per page."""

    def __init__(self) -> None:
        self.living_grid, self.unassigned, self.several = _("现居住网格"), _("未包保"), _("多人")
        self.nearby, self.uncovered, self.lives = _("就近："), _("未落实就近联系"), _("现住：")
        self.overdue = _("逾期")
        for name, value in vars(self).items():
            setattr(self, name, esc(value))


def _head(row: LedgerRow, clear: bool, today: dt.date) -> str:
    if not row.has_head:
        return '<span class="text-muted">—</span>'
    name = masking.person_name(row.head_name, row.head_birth_date, clear=clear, today=today)
    tail = row.head_id_tail
    small = f' <small class="text-muted">…{esc(tail)}</small>' if tail else ""
    return f"{esc(name)}{small}"


def _grid(row: LedgerRow, words: _Words) -> str:
    if not row.is_relocated:
        return esc(row.grid_name)
    living = esc(row.living_grid_name or "")
    return (
        f'{esc(row.grid_name)} <span class="badge text-bg-light" title="{words.living_grid}">'
        f"→ {living}</span>"
    )


def _executives(row: LedgerRow, words: _Words) -> str:
    """包保 executives (未包保 / 多人 badges) and, for a relocated family, 就近联系 ones."""
    responsible = row.responsible
    if responsible:
        html = "、".join(esc(name) for name in responsible)
    else:
        html = f'<span class="badge text-bg-danger">{words.unassigned}</span>'
    if len(responsible) > 1:
        html += f' <span class="badge text-bg-warning">{words.several}</span>'
    if row.is_relocated:
        nearby = "".join(
            f'<div class="small text-muted">{words.nearby}{esc(name)}</div>'
            for name in row.covering
        )
        if not row.covering:
            nearby = f'<div><span class="badge text-bg-warning">{words.uncovered}</span></div>'
        html = f"{html}\n        {nearby}"
    return html


def _address(row: LedgerRow, words: _Words) -> str:
    if row.is_relocated and row.living_address:
        return (
            f'{esc(row.address)}<div class="text-muted">{words.lives}'
            f"{esc(row.living_address)}</div>"
        )
    return esc(row.address)


def _categories(row: LedgerRow, clear: bool) -> str:
    return "".join(
        f'<span class="badge text-bg-light me-1">{esc(name)}</span>'
        for name in masking.category_names(row.categories, clear=clear)
    )


@register.simple_tag
def ledger_rows(rows: Iterable[LedgerRow], user: User) -> SafeString:
    """The <tr>s of the ledger (ledger.ledger_rows): number (a link), head (…ID tail), grid
    (→ where a relocated family lives), categories, executives, address."""
    words, detail = _Words(), url_for_pk("households:detail")
    clear, today = sees_sensitive(user), timezone.localdate()
    html = (
        "    <tr>\n"
        f'      <td><a href="{esc(detail(row.pk))}">{esc(row.number)}</a></td>\n'
        f"      <td>{_head(row, clear, today)}</td>\n"
        f"      <td>{_grid(row, words)}</td>\n"
        f"      <td>{_categories(row, clear)}</td>\n"
        f"      <td>{_executives(row, words)}</td>\n"
        f'      <td class="d-none d-md-table-cell small">{_address(row, words)}</td>\n'
        "    </tr>"
        for row in rows
    )
    return mark_safe("\n".join(html))  # noqa: S308 (every value above went through esc)


def _overdue(row: LedgerRow, words: _Words, today: dt.date) -> str:
    """A red 逾期 badge with the day a key household was due, when that day has passed."""
    if row.visit_due is None or row.visit_due >= today:
        return ""
    day = row.visit_due.strftime("%m-%d")
    return f'<span class="badge text-bg-danger me-1">{words.overdue} {day}</span>'


def _card_address(row: LedgerRow, words: _Words) -> str:
    """· the address, or nothing for a household without one."""
    shown = row.address or (row.is_relocated and row.living_address)
    return f" · {_address(row, words)}" if shown else ""


@register.simple_tag
def ledger_cards(rows: Iterable[LedgerRow], user: User) -> SafeString:
    """The ledger's rows as cards for narrow screens (the ledger and 我的包保户 below the md
    breakpoint, household_rows.html): each a link to the household, with its head, grid,
    categories, executives and, for a key household past its visit day, a red 逾期 badge; and a
    «走访» button to the visit form for it."""
    words, detail = _Words(), url_for_pk("households:detail")
    visit = esc(reverse("visits:create"))
    word_visit = esc(_("走访"))
    clear, today = sees_sensitive(user), timezone.localdate()
    html = (
        '  <div class="list-group-item d-flex justify-content-between align-items-center gap-2"'
        f' data-household="{int(row.pk)}">\n'
        f'    <a class="list-card-body text-reset text-decoration-none py-1"'
        f' href="{esc(detail(row.pk))}">\n'
        f"      <strong>{esc(row.number)}</strong> {_head(row, clear, today)}<br>\n"
        f'      <small class="text-muted">{_grid(row, words)}{_card_address(row, words)}</small>\n'
        f"      <div>{_overdue(row, words, today)}{_categories(row, clear)}</div>\n"
        f'      <div class="small">{_executives(row, words)}</div>\n'
        "    </a>\n"
        f'    <a class="btn btn-primary list-card-action"'
        f' href="{visit}?household={int(row.pk)}">{word_visit}</a>\n'
        "  </div>"
        for row in rows
    )
    return mark_safe("\n".join(html))  # noqa: S308 (every value above went through esc)
