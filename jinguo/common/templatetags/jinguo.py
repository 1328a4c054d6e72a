import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jinguo.accounts.models import User
from jinguo.common import textsize
from jinguo.common.html import Options, option_tags

register = template.Library()


@register.filter
def bs(field: forms.BoundField, extra: str = "") -> SafeString:
    """Render a form field with the Bootstrap class its widget needs, flagged when invalid.

    `extra` adds classes (`field|bs:"form-control-sm w-auto"` in a row's inline form). A field
    without an id (a form made with auto_id=False, drawn once a row, where ids would repeat)
    has no <label> to point at it, so its label becomes its aria-label."""
    widget = field.field.widget
    invalid = (" is-invalid" if field.errors else "") + (f" {extra}" if extra else "")
    labelled = {} if field.auto_id else {"aria-label": str(field.label)}
    if isinstance(widget, forms.RadioSelect):  # and CheckboxSelectMultiple, its subclass
        # Each box beside its label: with the widget's own template and a text box's class,
        # Bootstrap drew every checkbox as an empty text box above its label.
        listed = copy.copy(widget)
        listed.template_name = "common/widgets/check_list.html"
        return field.as_widget(widget=listed, attrs={"class": "form-check-input" + invalid})
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    return field.as_widget(attrs={"class": css + invalid, **labelled})


@register.simple_tag
def options(items: Iterable[Any] | Options, selected: object = None) -> SafeString:
    """<option value="pk">name</option> for each of `items` (model instances, dicts from
    .values("pk", "name"), (value, label) choices, or common.html.Options rendered already),
    the one whose pk is `selected` marked selected. The same loop in a template costs some
    thirty Python calls an option, format_html some ten; a filter may offer hundreds of grids."""
    if isinstance(items, Options):
        return items.selecting(selected)
    return mark_safe(option_tags(map(_value_and_label, items), selected))  # noqa: S308 (esc)


def _value_and_label(item: Any) -> tuple[object, object]:
    if isinstance(item, tuple):
        return item[0], item[1]
    return (item["pk"], item["name"]) if isinstance(item, dict) else (item.pk, item.name)


# --- the menu ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavUser:
    """All common/nav_items.html may read of the user: the menu is cached per these values."""

    role: str
    org_id: int | None
    person_id: bool  # only whether she is a person (我的积分)
    has_business_scope: bool


_NAV_CACHE: dict[tuple[object, ...], SafeString] = {}
_NAV_CACHE_SIZE = 4096


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> SafeString:
    """The menu items (common/nav_items.html) of the signed-in user. Its fifty-odd {% url %} and
    {% translate %} tags would be paid on every page: it is rendered once per process for each
    language, URL configuration, role, unit and whether the user is a person, which is all it
    reads (NavUser). Not cached with DEBUG on, so that template edits show at once."""
    user: User = context["user"]
    nav_user = NavUser(
        role=str(user.role),
        org_id=user.org_id,
        person_id=bool(user.person_id),
        has_business_scope=user.has_business_scope,
    )
    key = (get_language(), get_script_prefix(), get_urlconf(), nav_user)
    html = _NAV_CACHE.get(key)
    if html is None:
        # A template's output, escaped as it was rendered.
        html = mark_safe(render_to_string("common/nav_items.html", {"user": nav_user}))  # noqa: S308
        if not settings.DEBUG:
            if len(_NAV_CACHE) >= _NAV_CACHE_SIZE:
                _NAV_CACHE.clear()
            _NAV_CACHE[key] = html
    return html


@register.simple_tag(takes_context=True)
def html_class(context: template.Context) -> str:
    """<html>'s class from the browser's larger-text cookie (common.textsize); "" without a
    request (a template rendered outside one)."""
    request = context.get("request")
    return textsize.html_class(request) if request is not None else ""
