"""The bell of the navbar: her unread count, one COUNT query per page (none for the 三员, who
have no inbox, nor for a page without a signed-in user)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from jinguo.inbox.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_bell(context: template.Context) -> SafeString:
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.has_business_scope:
        return mark_safe("")
    html = render_to_string("inbox/_bell.html", {"unread": unread_count(user=user)})
    return mark_safe(html)  # noqa: S308  (a template's output, escaped as it was rendered)
