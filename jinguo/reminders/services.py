"""The day's reminders, sent: every reader once over the whole tree, one digest per person, one
bulk messages_send. Idempotent: the source is the day (digest:YYYY-MM-DD), and the inbox writes
one message per person and source, so running the day again adds nothing."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from jinguo.inbox.models import Message
from jinguo.inbox.services import messages_send
from jinguo.reminders import digest


def digest_source(day: dt.date) -> str:
    return f"digest:{day.isoformat()}"


@dataclass(frozen=True)
class Sent:
    day: dt.date
    people: int  # persons with at least one reminder
    new: int  # messages written now (0 when the day was sent already)


def reminders_send(*, day: dt.date | None = None) -> Sent:
    """Compute and queue `day`'s digests (today in TIME_ZONE by default). Quiet hours and the
    outward channels are the inbox's (each recipient's Preference)."""
    day = day or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        outgoing = digest.build(digest.gather(day=day))
    with transaction.atomic():
        new = messages_send(kind=Message.Kind.DIGEST, source=digest_source(day), outgoing=outgoing)
    return Sent(day=day, people=len(outgoing), new=new)
