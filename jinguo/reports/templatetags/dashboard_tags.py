"""The dashboard's figure cards and child tables, rendered in Python with every value escaped
by common.html.esc: through template loops they were ≈1,100 variable look-ups, each localized
and escaped, a page (about half of a cached page's time)."""

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jinguo.common.figures import Figure
from jinguo.common.html import esc
from jinguo.reports.shapes import ChildTable

register = template.Library()


def number(value: int | float) -> str:
    """As {{ value }} shows it: integers plainly, other numbers localized."""
    return str(value) if isinstance(value, int) else number_format(value)


@register.simple_tag
def figure_cards(figures: list[tuple[Figure, bool, str]]) -> SafeString:
    """One card per figure, linking to its records; a snapshot figure (current state) is
    badged 现状, a period figure gets a placeholder for its change from the previous period."""
    now = esc(_("现状"))
    cards = []
    for f, snapshot, dom_id in figures:
        below = (
            f'<div class="small"><span class="badge text-bg-light">{now}</span></div>'
            if snapshot
            else f'<div class="small text-muted" id="{esc(dom_id)}">…</div>'
        )
        cards.append(
            '<div class="col-6 col-md-4 col-xl-3">'
            f'<a class="card text-decoration-none h-100" href="{esc(f.url)}"'
            f' data-figure="{esc(f.key)}"><div class="card-body p-2">'
            f'<div class="fs-4">{esc(number(f.value))}'
            f'<small class="fs-6 text-muted ms-1">{esc(f.unit)}</small></div>'
            f'<div class="small text-muted">{esc(f.label)}</div>{below}</div></a></div>'
        )
    return mark_safe('<div class="row g-2">' + "\n".join(cards) + "</div>")  # noqa: S308


@register.simple_tag
def child_rows(table: ChildTable) -> SafeString:
    """The body of a section's table of child units: each row's name and cells link to that
    child's dashboard for the same period."""
    rows = []
    for row in table.rows:
        url = esc(row.cells[0].url) if row.cells else ""
        cells = "".join(
            f'<td class="text-end"><a href="{esc(c.url)}">{esc(number(c.value))}</a></td>'
            for c in row.cells
        )
        rows.append(f'<tr><th scope="row"><a href="{url}">{esc(row.org.name)}</a></th>{cells}</tr>')
    return mark_safe("\n".join(rows))  # noqa: S308
