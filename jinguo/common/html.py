"""Helpers for list rows rendered in Python with format_html (escaping kept) rather than a
template per row: on a 50-row page, the {% for %}, {% include %}, {% url %}, {% translate %}
and variable look-ups of Django templates cost tens of thousands of Python calls."""

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeData, SafeString, mark_safe

_MARKER = "7340981265"  # an id no table reaches, replaced by each row's


def url_for_pk(name: str) -> Callable[[int], str]:
    """reverse(name, args=[pk]) for every row at the cost of one reverse."""
    url = reverse(name, args=[int(_MARKER)])
    head, marker, tail = url.partition(_MARKER)
    if not marker or _MARKER in tail:
        raise ValueError(f"{name}: the id is not one path segment of {url}")
    return lambda pk: f"{head}{int(pk)}{tail}"


def esc(value: object) -> str:
    """`value` escaped for HTML text or a quoted attribute, as django.utils.html.escape does it
    (html.escape), text already marked safe unchanged: for rows built with f-strings, without
    format_html's lazy-string checks on every argument (≈2,000 calls on a 50-row page).
    Every value put into such a row goes through here; the caller marks the whole row safe."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def option_tags(items: Iterable[tuple[object, object]], selected: object = None) -> str:
    """<option value="pk">name</option> per (pk, name), escaped, the one whose pk equals
    `selected` marked selected."""
    return "".join(
        f'<option value="{esc(pk)}"{" selected" if pk == selected else ""}>{esc(name)}</option>'
        for pk, name in items
    )


@dataclass(frozen=True)
class Options:
    """A filter's <option value="pk">name</option>s rendered once, to be kept with the data
    they show (common.refcache): one string to keep and restore, nothing to escape again.
    Escaping and joining a scope's 300 grids was ≈0.5 ms of every ledger page."""

    html: str

    @classmethod
    def of(cls, items: Iterable[tuple[object, object]]) -> "Options":
        return cls(option_tags(items))

    def selecting(self, selected: object = None) -> SafeString:
        """The options with the one whose value is `selected` marked selected."""
        html_ = self.html
        if selected is not None and selected != "":
            plain = f'<option value="{esc(selected)}">'
            html_ = html_.replace(plain, f'<option value="{esc(selected)}" selected>', 1)
        return mark_safe(html_)  # noqa: S308 (built from escaped values only)
