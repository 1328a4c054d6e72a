"""What the audit log's pages and export call an action in words. Actions without a label are
shown by their code alone."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACCESS_DENIED = "access.denied"
ACCESS_THROTTLED = "access.throttled"

ACTION_LABELS: dict[str, Promise] = {
    ACCESS_DENIED: _("拒绝访问"),
    ACCESS_THROTTLED: _("拒绝访问过多（本分钟其余的不再逐条记录）"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else ""


def action_display(action: str) -> str:
    """The label and the code, «拒绝访问 (access.denied)», or the code alone."""
    label = action_label(action)
    return f"{label} ({action})" if label else action
