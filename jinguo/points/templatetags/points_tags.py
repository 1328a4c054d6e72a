"""`{% points_home user %}`: her points balance, for her home page (the home page lives in
common, which imports no domain app; the template loads this tag). One query."""

from typing import Any

from django import template

from jinguo.accounts.models import User
from jinguo.points.selectors import points_balance

register = template.Library()


@register.inclusion_tag("points/_home.html")
def points_home(user: User) -> dict[str, Any]:
    person = user.person if user.person_id else None
    return {"balance": points_balance(person=person) if person is not None else None}
