"""`{% round_tasks user %}`: the report rounds waiting on the user's own unit, for her home page
(the home page lives in common, which imports no domain app; the template loads this tag)."""

from typing import Any

from django import template

from jinguo.accounts.models import User
from jinguo.rounds.selectors import my_tasks

register = template.Library()
SHOWN = 5


@register.inclusion_tag("rounds/_tasks.html")
def round_tasks(user: User) -> dict[str, Any]:
    tasks = list(my_tasks(user=user)[: SHOWN + 1])
    return {"tasks": tasks[:SHOWN], "more": len(tasks) > SHOWN}
