"""Writes of the inbox: send messages (once per person and source), open one (read)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.inbox import quiet, tasks
from jinguo.inbox.backends import channel_on
from jinguo.inbox.delivery import chunks
from jinguo.inbox.models import Delivery, Message, Preference
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
    how many were new. Each new message gets a Delivery per outward channel its recipient chose
    (inbox.Preference; none: the inbox only), held until her quiet hours end; the deliveries due
    now are enqueued in jobs of JINGUO_DELIVERY_BATCH once the caller's transaction commits.
    A constant number of queries per 900 recipients (chunked `__in`, bulk inserts)."""
    now = timezone.now()
    by_recipient = {o.recipient_id: o for o in outgoing}
    if not by_recipient:
        return 0
    new_ids: list[int] = []
    due: list[int] = []
    with transaction.atomic():
        for chunk in chunks(list(by_recipient)):
            existing = set(
                Message.objects.filter(source=source, recipient_id__in=chunk).values_list(
                    "recipient_id", flat=True
                )
            )
            rows = [
                _message(
                    by_recipient[rid], kind=kind, source=source, sender=sender, org=org, now=now
                )
                for rid in chunk
                if rid not in existing
            ]
            if not rows:
                continue
            Message.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
            fresh = dict(
                Message.objects.filter(
                    source=source, created_at=now, recipient_id__in=[r.recipient_id for r in rows]
                ).values_list("recipient_id", "pk")
            )
            new_ids += fresh.values()
            due += _deliveries(fresh, now=now)
    if due:
        transaction.on_commit(lambda: tasks.enqueue(due))
    return len(new_ids)


def _message(
    o: Outgoing, *, kind: str, source: str, sender: User | None, org: OrgUnit | None, now: Any
) -> Message:
    return Message(
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


def _deliveries(messages: dict[int, int], *, now: Any) -> list[int]:
    """Deliveries of the new messages (recipient id → message id) by the channels their
    recipients chose and that are on; the ids of those due at once."""
    on = [c for c in Delivery.Channel.values if channel_on(c)]
    if not on:
        return []
    wanted = Q()
    for channel in on:
        wanted |= Q(**{channel: True})
    rows = [
        Delivery(
            message_id=messages[uid],
            channel=channel,
            not_before=quiet.not_before(now, start, end),
            queued_at=now,
            updated_at=now,
        )
        for uid, sms, wecom, start, end in Preference.objects.filter(
            wanted, user_id__in=list(messages)
        ).values_list("user_id", "sms", "wecom", "quiet_start", "quiet_end")
        for channel, chosen in (("sms", sms), ("wecom", wecom))
        if chosen and channel in on
    ]
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return list(
        Delivery.objects.filter(
            message_id__in=list(messages.values()), state=Delivery.State.QUEUED, not_before=None
        ).values_list("pk", flat=True)
    )


def message_open(*, message: Message, user: User) -> str:
    """Mark `message` read by its recipient (the caller fetched it through the scoped selector);
    the page it is about."""
    if message.read_at is None and message.recipient_id == user.pk:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at=None).update(read_at=message.read_at)
    return message.link


def messages_mark_all_read(*, user: User) -> int:
    """Mark all her unread messages read; how many."""
    return Message.objects.filter(recipient_id=user.pk, read_at=None).update(read_at=timezone.now())


PREFERENCE_FIELDS = ("sms", "wecom", "wecom_user", "quiet_start", "quiet_end")


def preference_get(*, user: User) -> Preference:
    """Her preference, unsaved defaults when she never chose."""
    return Preference.objects.filter(user_id=user.pk).first() or Preference(user_id=user.pk)


def preference_update(*, user: User, **values: Any) -> Preference:
    """Keep her choice of channels and quiet hours (audited: inbox.preference). Text messages
    need a phone on her account; a channel that is off on this site cannot be chosen."""
    if user.is_admin_role or not user.has_business_scope:
        raise PermissionDenied
    if values.get("sms") and not user.phone:
        raise ValidationError(
            {"sms": _("您的账号未登记手机号，无法接收短信；请联系安全管理员登记")}
        )
    for channel in ("sms", "wecom"):
        if values.get(channel) and not channel_on(channel):
            raise ValidationError({channel: _("本系统未开通该渠道")})
    pref = preference_get(user=user)
    old = {f: str(getattr(pref, f)) for f in PREFERENCE_FIELDS}
    for name in PREFERENCE_FIELDS:
        if name in values:
            setattr(pref, name, values[name])
    new = {f: str(getattr(pref, f)) for f in PREFERENCE_FIELDS}
    changes = {f: [old[f], new[f]] for f in PREFERENCE_FIELDS if old[f] != new[f]}
    if changes or pref._state.adding:
        with transaction.atomic():
            pref.save()
            audit_record(actor=user, action="inbox.preference", target=pref, changes=changes)
    return pref
