"""Template helpers of the people pages."""

from typing import Any

from django import template
from django.db.models import QuerySet
from django.forms import BoundField
from django.template import Context

from jinguo.orgs.models import OrgUnit
from jinguo.people import masking
from jinguo.people.models import Person

register = template.Library()


@register.filter
def birth_shown(person: Person | None) -> int | str:
    """The birth year shown beside a masked ID number (people.masking.birth_shown); "" when
    unknown. Where the whole number is shown, the template shows the date from the numbers."""
    shown = masking.birth_shown(person.birth_date if person is not None else None)
    return "" if shown is None else shown


PICKED_LIMIT = 500  # more ids than any meeting or course has are not looked up


def picked(bound: BoundField) -> list[Person]:
    """The persons a picker shows as chosen: what was posted (after an error too), else the
    field's initial value, looked up in the field's own queryset (her scope), so an id from
    elsewhere neither shows a name nor comes back."""
    form = bound.form
    if form.is_bound:
        raw = bound.field.widget.value_from_datadict(form.data, form.files, bound.html_name)
    else:
        raw = bound.value()
    values = raw if isinstance(raw, list | tuple | QuerySet) else [raw]
    ids: list[int] = []
    for value in values:
        key = str(getattr(value, "pk", value) or "")
        if key.isdigit() and int(key) not in ids:
            ids.append(int(key))
    queryset = getattr(bound.field, "queryset", None)
    if not ids or queryset is None:
        return []
    found = {p.pk: p for p in queryset.filter(pk__in=ids[:PICKED_LIMIT]).select_related("org")}
    return [found[pk] for pk in ids if pk in found]


@register.inclusion_tag("people/_picker.html", takes_context=True)
def people_picker(
    context: Context, bound: BoundField, org: OrgUnit | None = None, single: bool = False
) -> dict[str, Any]:
    """The people picker for a form field (people/_picker.html, jinguo/picker.js): chips of the
    chosen persons, each with one hidden input, above a search whose results are swapped in by
    htmx and carry no input of their own. `single` keeps one person at most; `org` narrows the
    search (the form still checks every id against her scope)."""
    return {
        "field": bound.html_name,
        "org": org,
        "single": single,
        "chosen": picked(bound),
        "user": context.get("user"),
    }
