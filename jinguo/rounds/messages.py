"""The inbox messages of report rounds: a new round to its target units' people, a reminder to
the late units' people. Each links to the unit's own answer page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.inbox.models import Message
from jinguo.inbox.services import Outgoing, messages_send
from jinguo.rounds.models import Round, Target


def message_units(
    *, round_: Round, org_ids: list[int], actor: User | None, reminder: int = 0
) -> int:
    """One inbox message to each active user of the units, linking to the unit's own answer
    page (its target): the new round ("round:<id>"), or its `reminder`-th reminder
    ("round:<id>:remind:<n>"); how many were new."""
    if reminder:
        kind, source = Message.Kind.REMIND, f"round:{round_.pk}:remind:{reminder}"
        title = _("催报：%(title)s") % {"title": round_.title}
    else:
        kind, source = Message.Kind.ROUND, f"round:{round_.pk}"
        title = _("报送任务：%(title)s") % {"title": round_.title}
    targets = dict(
        Target.objects.filter(round=round_, org_id__in=org_ids).values_list("org_id", "pk")
    )
    users = User.objects.filter(is_active=True, org_id__in=org_ids).values_list("pk", "org_id")
    body = _("%(org)s请于%(d)s前报送。") % {
        "org": round_.org.name,
        "d": round_.deadline.isoformat(),
    }
    outgoing = [
        Outgoing(
            recipient_id=pk,
            title=title,
            body=body,
            link=reverse("rounds:target", args=[targets[org_id]]),
        )
        for pk, org_id in users
        if org_id in targets
    ]
    return messages_send(kind=kind, source=source, outgoing=outgoing, sender=actor, org=round_.org)
