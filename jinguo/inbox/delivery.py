"""The delivery job: claim a batch of deliveries, send them through their channel's backend,
write what became of each.

Claiming is one conditional UPDATE (queued or retrying, due, → sending with this job's token),
so two workers given the same ids never both send one. A transient failure goes back to
`retrying` with a later not_before (exponential backoff) and is sent again by a job enqueued with
that countdown, or by deliveries_release; after JINGUO_DELIVERY_MAX_ATTEMPTS it fails. Phone
numbers are read as ciphertext and decrypted by the backend as it builds the request."""

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.inbox.backends import get_backend
from jinguo.inbox.backends.base import Envelope, Result
from jinguo.inbox.models import Delivery, Preference

State = Delivery.State
# SQLite allows 999 (older builds) bound parameters in a statement: `__in` lists stay below.
CHUNK = 900
NO_PHONE = "账号未登记手机号，无法发送短信"
BROKEN = "发送程序出错，请联系系统管理员"
log = logging.getLogger("jinguo.inbox")


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, 4 min … at most an hour."""
    return int(min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    retrying: list[tuple[int, int]] = field(default_factory=list)  # (id, countdown)


def claim(ids: Iterable[int], *, now: dt.datetime) -> str:
    """Take the due ones of `ids` for this job (one UPDATE per chunk); the claim's token."""
    token = uuid.uuid4().hex
    due = Q(not_before=None) | Q(not_before__lte=now)
    for chunk in chunks(list(ids)):
        Delivery.objects.filter(due, pk__in=chunk, state__in=[State.QUEUED, State.RETRYING]).update(
            state=State.SENDING, claim=token, attempts=F("attempts") + 1, updated_at=now
        )
    return token


def envelopes(token: str) -> tuple[dict[str, list[Envelope]], list[Result], dict[int, int]]:
    """The claimed deliveries as envelopes per channel, the ones that cannot be sent (no phone)
    as results, and each delivery's attempts."""
    rows = list(
        Delivery.objects.filter(claim=token, state=State.SENDING).values_list(
            "pk", "channel", "attempts", "message__recipient_id", "message__title", "message__link"
        )
    )
    recipients = sorted({r[3] for r in rows})
    phones: dict[int, str] = {}
    wecom: dict[int, str] = {}
    channels = {r[1] for r in rows}
    for chunk in chunks(recipients):
        users = User.objects.filter(pk__in=chunk)
        if Delivery.Channel.SMS in channels:
            # the ciphertext, not the number: Cast skips the field's decryption
            phones.update(users.values_list("pk", Cast("phone", TextField())))
        if Delivery.Channel.WECOM in channels:
            wecom.update(users.values_list("pk", "username"))
            wecom.update(
                Preference.objects.filter(user_id__in=chunk)
                .exclude(wecom_user="")
                .values_list("user_id", "wecom_user")
            )
    site = settings.JINGUO_SITE_URL.rstrip("/")
    by_channel: dict[str, list[Envelope]] = defaultdict(list)
    unsendable: list[Result] = []
    for pk, channel, _attempts, rid, title, link in rows:
        url = site + (link if link.startswith("/") else "/inbox/")
        if channel == Delivery.Channel.SMS:
            if not phones.get(rid):
                unsendable.append(Result(pk, False, error=NO_PHONE))
                continue
            by_channel[channel].append(Envelope(pk, phones[rid], title, url, encrypted=True))
        else:
            by_channel[channel].append(Envelope(pk, wecom[rid], title, url))
    return by_channel, unsendable, {r[0]: r[2] for r in rows}


def record(results: list[Result], attempts: dict[int, int], *, token: str) -> Outcome:
    """Write each result on its delivery, only on rows this job still holds: one UPDATE for the
    sent ones (their gateway ids by a CASE), one per distinct failure."""
    now = timezone.now()
    outcome = Outcome()
    sent: dict[int, str] = {}
    others: dict[tuple[str, str, dt.datetime | None], list[int]] = defaultdict(list)
    for r in results:
        if r.ok:
            sent[r.delivery_id] = r.ref[:100]
        elif r.transient and attempts[r.delivery_id] < settings.JINGUO_DELIVERY_MAX_ATTEMPTS:
            wait = backoff_seconds(attempts[r.delivery_id])
            until = now + dt.timedelta(seconds=wait)
            others[State.RETRYING, r.error[:300], until].append(r.delivery_id)
            outcome.retrying.append((r.delivery_id, wait))
        else:
            others[State.FAILED, r.error[:300], None].append(r.delivery_id)
            outcome.failed += 1
    mine = Delivery.objects.filter(claim=token, state=State.SENDING)
    with transaction.atomic():
        for chunk in chunks(list(sent), 300):
            _mark_sent({pk: sent[pk] for pk in chunk}, token=token, now=now)
        outcome.sent = len(sent)
        for (state, error, not_before), pks in others.items():
            for chunk in chunks(pks):
                fields: dict[str, object] = {"state": state, "error": error, "claim": ""}
                if not_before is not None:
                    fields["not_before"] = not_before
                mine.filter(pk__in=chunk).update(updated_at=now, **fields)
    return outcome


def _mark_sent(refs: dict[int, str], *, token: str, now: dt.datetime) -> None:
    """One UPDATE: sent, each with its gateway id (a plain CASE: Django's bulk_update builds a
    filter expression per row, which cost more than the HTTP request itself)."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    cases = " ".join("WHEN %s THEN %s" for _ in refs)
    marks = ", ".join("%s" for _ in refs)
    params: list[int | str] = [pk_or_ref for pair in refs.items() for pk_or_ref in pair]
    stamp = connection.ops.adapt_datetimefield_value(now)
    # the table's quoted name and placeholders only: every value is a parameter
    sql = (
        f"UPDATE {table} SET state = %s, error = '', claim = '', sent_at = %s, updated_at = %s, "  # noqa: S608
        f"provider_ref = CASE id {cases} ELSE provider_ref END "
        f"WHERE id IN ({marks}) AND claim = %s AND state = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [State.SENT, stamp, stamp, *params, *refs, token, State.SENDING])


def deliver(ids: Iterable[int]) -> Outcome:
    """Send the due deliveries among `ids` (a job's batch); what became of them."""
    token = claim(ids, now=timezone.now())
    by_channel, results, attempts = envelopes(token)
    for channel, batch in by_channel.items():
        try:
            results += get_backend(channel).send_many(batch)
        except Exception as exc:  # a broken backend: tried again, then failed (never stuck)
            # the exception's type only: its text might carry an address
            log.error("the %s backend failed: %s", channel, type(exc).__name__)
            results += [Result(e.delivery_id, False, error=BROKEN, transient=True) for e in batch]
    return record(results, attempts, token=token)


def release_due(*, now: dt.datetime) -> list[int]:
    """Put back in the queue, and return, the deliveries a job should take now: those whose quiet
    hours or backoff are over (not_before passed), queued ones no job took within the lost-job
    limit (a broker that lost the job), and sending ones whose worker died (claimed longer than
    that ago). Each is queued afresh (queued_at now), so the next run leaves it to its job."""
    lost = now - dt.timedelta(minutes=settings.JINGUO_DELIVERY_LOST_MINUTES)
    pending = Q(state__in=[State.QUEUED, State.RETRYING])
    wanted = (
        (pending & Q(not_before__lte=now))
        | Q(state=State.QUEUED, not_before=None, queued_at__lt=lost)
        | Q(state=State.SENDING, updated_at__lt=lost)
    )
    ids = list(Delivery.objects.filter(wanted).order_by("pk").values_list("pk", flat=True))
    for chunk in chunks(ids):
        Delivery.objects.filter(wanted, pk__in=chunk).update(
            state=State.QUEUED, not_before=None, claim="", queued_at=now, updated_at=now
        )
    return ids
