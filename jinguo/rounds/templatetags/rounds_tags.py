"""`{% round_tasks user %}`: the report rounds waiting on the user's own unit, for her home page
(the home page lives in common, which imports no domain app; the template loads this tag)."""

from typing import Any

from django import template

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.rounds.selectors import my_tasks, rounds_to_review

register = template.Library()
SHOWN = 5


@register.inclusion_tag("rounds/_tasks.html")
def round_tasks(user: User) -> dict[str, Any]:
    tasks = list(my_tasks(user=user)[: SHOWN + 1])
    return {"tasks": tasks[:SHOWN], "more": len(tasks) > SHOWN}


@register.inclusion_tag("rounds/_reviews.html")
def round_reviews(user: User) -> dict[str, Any]:
    """The submissions waiting for her unit's review, by round (cadres and leaders; a leader
    reads them without the review button)."""
    if user.role not in (Role.CADRE, Role.LEADER):
        return {"rounds": []}
    rounds = list(rounds_to_review(user=user)[: SHOWN + 1])
    return {"rounds": rounds[:SHOWN], "more": len(rounds) > SHOWN, "act": user.role == Role.CADRE}
