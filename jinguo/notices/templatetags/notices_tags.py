"""`{% notice_tasks user %}`: the notices her unit has not read and the tasks waiting on her, for
her home page (the home page lives in common, which imports no domain app; the template loads
this tag). Three queries at most."""

from typing import Any

from django import template

from jinguo.accounts.models import User
from jinguo.notices.selectors import pending_tasks, unread_notices

register = template.Library()
SHOWN = 5


@register.inclusion_tag("notices/_home.html")
def notice_tasks(user: User) -> dict[str, Any]:
    notices = list(unread_notices(user=user)[: SHOWN + 1])
    tasks = list(pending_tasks(user=user)[: SHOWN + 1])
    return {
        "notices": notices[:SHOWN],
        "more_notices": len(notices) > SHOWN,
        "tasks": tasks[:SHOWN],
        "more_tasks": len(tasks) > SHOWN,
    }
