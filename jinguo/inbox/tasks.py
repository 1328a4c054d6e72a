"""Delivery jobs. `deliveries_send` takes a batch of delivery ids (JINGUO_DELIVERY_BATCH, 100 by
default: one job per message would cost the broker more than the gateway); `deliveries_release`
runs every minute (beat) and enqueues what is due (quiet hours over, backoff over, lost jobs)."""

from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from jinguo.inbox import delivery


def enqueue(ids: list[int], *, countdown: int = 0) -> int:
    """Send `ids` in jobs of JINGUO_DELIVERY_BATCH; how many jobs."""
    size = max(settings.JINGUO_DELIVERY_BATCH, 1)
    jobs = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        if countdown:
            deliveries_send.apply_async(args=(batch,), countdown=countdown)
        else:
            deliveries_send.delay(batch)
        jobs += 1
    return jobs


@shared_task(name="jinguo.inbox.tasks.deliveries_send", acks_late=True)
def deliveries_send(ids: list[int]) -> dict[str, int]:
    outcome = delivery.deliver(ids)
    if outcome.retrying and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Try again after the backoff; deliveries_release is the safety net (and, without a
        # broker, the only way: an eager job would run at once and find nothing due).
        by_wait: dict[int, list[int]] = defaultdict(list)
        for pk, wait in outcome.retrying:
            by_wait[wait].append(pk)
        for wait, pks in by_wait.items():
            enqueue(pks, countdown=wait)
    return {"sent": outcome.sent, "failed": outcome.failed, "retrying": len(outcome.retrying)}


@shared_task(name="jinguo.inbox.tasks.deliveries_release", acks_late=True)
def deliveries_release() -> int:
    """Enqueue the deliveries due now; how many."""
    ids = delivery.release_due(now=timezone.now())
    enqueue(ids)
    return len(ids)
