"""`{% backup_warnings %}`: the late or failed backups and drills, on the security
administrator's pages (the account security page is her home). A tag, so that accounts, below
backups in the house, need not import it."""

from typing import Any

from django import template

from jinguo.accounts.models import User
from jinguo.backups.selectors import backup_warnings as warnings_for

register = template.Library()


@register.inclusion_tag("backups/_warnings.html", takes_context=True)
def backup_warnings(context: dict[str, Any], link: bool = True) -> dict[str, Any]:
    user = context["request"].user
    found = warnings_for(user=user) if isinstance(user, User) else []
    return {"warnings": found, "link": link}
