"""Writes of the inbox: send messages (once per person and source), open one (read)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.inbox.models import Message
from jinguo.orgs.models import OrgUnit

BATCH = 2000


@dataclass(frozen=True)
class Outgoing:
    """One message to one person: what messages_send writes for her."""

    recipient_id: int
    title: str
    body: str = ""
    link: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)


def messages_send(
    *,
    kind: str,
    source: str,
    outgoing: Iterable[Outgoing],
    sender: User | None = None,
    org: OrgUnit | None = None,
) -> int:
    """Put each message in its recipient's inbox, unless she has one from `source` already;
    how many were new. Outward deliveries are queued once the caller's transaction commits."""
    now = timezone.now()
    rows = [
        Message(
            recipient_id=o.recipient_id,
            kind=kind,
            source=source,
            title=o.title[:200],
            body=o.body,
            link=o.link[:300],
            items=o.items,
            sender=sender,
            org=org,
            created_at=now,
        )
        for o in outgoing
    ]
    if not rows:
        return 0
    with transaction.atomic():
        existing = set(
            Message.objects.filter(
                source=source, recipient_id__in=[r.recipient_id for r in rows]
            ).values_list("recipient_id", flat=True)
        )
        new = [r for r in rows if r.recipient_id not in existing]
        Message.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return len(new)


def message_open(*, message: Message, user: User) -> str:
    """Mark `message` read by its recipient (the caller fetched it through the scoped selector);
    the page it is about."""
    if message.read_at is None and message.recipient_id == user.pk:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at=None).update(read_at=message.read_at)
    return message.link
