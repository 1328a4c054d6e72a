"""Reads of the inbox. A message is its recipient's alone: nobody else reads it, whatever her
scope (the sender sees only its read and delivery states, through the summaries below)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, QuerySet
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.inbox.models import Delivery, Message


def inbox_list(*, user: User) -> QuerySet[Message]:
    """Her messages, newest first."""
    return Message.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient_id=user.pk, read_at=None).count()


def message_get_for_user(*, user: User, message_id: int) -> Message:
    """Her own message, or 404 (another person's message does not exist for her)."""
    try:
        return Message.objects.get(pk=message_id, recipient_id=user.pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@dataclass
class RecipientState:
    """What became of one person's message from a source: read, and each channel's delivery."""

    message_id: int
    read_at: object = None
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)  # channel, state, error


def recipient_states(
    *, source: str, recipient_ids: list[int] | None = None
) -> dict[int, RecipientState]:
    """recipient id → her message's state, for the sender's page (two queries). With
    `recipient_ids`, only theirs: one page of a notice's receipts reads one page's messages, not
    all of a city's ≈15,000."""
    messages = Message.objects.filter(source=source)
    if recipient_ids is not None:
        messages = messages.filter(recipient_id__in=recipient_ids)
    states = {
        rid: RecipientState(message_id=mid, read_at=read_at)
        for mid, rid, read_at in messages.values_list("pk", "recipient_id", "read_at")
    }
    by_message = {s.message_id: s for s in states.values()}
    deliveries = Delivery.objects.filter(message_id__in=list(by_message)).values_list(
        "message_id", "channel", "state", "error"
    )
    for mid, channel, state, error in deliveries:
        by_message[mid].deliveries.append((channel, state, error))
    return states


def delivery_summary(*, sources: list[str]) -> dict[str, dict[str, int]]:
    """source → delivery state → how many deliveries (one query)."""
    summary: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        Delivery.objects.filter(message__source__in=sources)
        .values_list("message__source", "state")
        .annotate(n=Count("pk"))
    )
    for source, state, n in rows:
        summary[source][state] = n
    return dict(summary)
