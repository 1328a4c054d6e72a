"""Template helpers of the people pages."""

from django import template

from jinguo.people import masking
from jinguo.people.models import Person

register = template.Library()


@register.filter
def birth_shown(person: Person | None) -> int | str:
    """The birth year shown beside a masked ID number (people.masking.birth_shown); "" when
    unknown. Where the whole number is shown, the template shows the date from the numbers."""
    shown = masking.birth_shown(person.birth_date if person is not None else None)
    return "" if shown is None else shown
