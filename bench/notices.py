"""Notices at city scale (jinguo.notices), on a generated city (`jinguo generate --scale city`):

    .venv/bin/python -m bench.notices --database-url postgres://…/jinguo_noticebench \
        [--requests 30]

(a) `notice_send` from the city to every unit below it (≈11,000 units, ≈15,000–20,000 people),
    as `city_cadre`: the notice, its targets, one inbox message per active user of each unit,
    the history row; against the floor of the bare INSERTs of the same rows (the notice, its
    targets and the messages by bulk_create, no checks, no history);
(b) its receipt page (/notices/<id>/ as the sender, with ≈30 % of the units marked read): p50
    and p95 over `--requests` requests through the Django test Client, in process, DEBUG off;
    also filtered to the unread units, and a deep page (the 100th); against the floor of a
    bare view (/bench/bare/, same middleware and session, no query) through the same client;
(c) `notice_remind` to the unread units' people.
Everything is written in one transaction that is rolled back at the end: the database stays
as generated. Never part of the test suite: it measures this machine.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_noticebench"
CADRE = "city_cadre"
READ_SHARE = 0.3


class _Rollback(Exception):
    pass


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.notices", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=30, help="receipt page requests")
    return parser.parse_args(argv)


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("JINGUO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    # The pages are requested inside the transaction that is rolled back at the end: keep the
    # connection open between requests, as the test framework does.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def _bare_send(user: Any, city: Any) -> float:
    """The same rows as notice_send writes, inserted bare (rolled back by the caller)."""
    from django.db import transaction
    from django.utils import timezone

    from jinguo.accounts.models import User
    from jinguo.inbox.models import Message
    from jinguo.notices.models import Notice, NoticeTarget
    from jinguo.orgs.models import OrgUnit

    def write() -> None:
        with transaction.atomic():
            units = list(
                OrgUnit.objects.filter(city.subtree_q(), is_active=True)
                .exclude(pk=city.pk)
                .values_list("pk", flat=True)
            )
            people = list(
                User.objects.filter(is_active=True, org_id__in=units).values_list("pk", flat=True)
            )
            notice = Notice.objects.create(
                org=city, title="bare", body="bare", audience="all", created_by=user
            )
            NoticeTarget.objects.bulk_create(
                (NoticeTarget(notice=notice, org_id=pk) for pk in units), batch_size=2000
            )
            now = timezone.now()
            Message.objects.bulk_create(
                (
                    Message(
                        recipient_id=pk,
                        kind="notice",
                        source=f"bare:{notice.pk}",
                        title="bare",
                        created_at=now,
                    )
                    for pk in people
                ),
                batch_size=2000,
            )

    return _ms(write)[0]


def _timed_pages(client: Any, urls: dict[str, str], n: int) -> dict[str, list[float]]:
    """Each page `n` times after two warm-ups, taking turns (a slow spell slows them all)."""
    times: dict[str, list[float]] = {label: [] for label in urls}
    for i in range(n + 2):
        for label, url in urls.items():
            elapsed, response = _ms(partial(client.get, url))
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            if i >= 2:
                times[label].append(elapsed)
    return times


def measure(requests: int) -> list[str]:
    from django.db import connection, transaction
    from django.test import Client

    from jinguo.accounts.models import User
    from jinguo.inbox.models import Message
    from jinguo.notices.models import Audience, NoticeTarget
    from jinguo.notices.services import notice_remind, notice_send

    user = User.objects.select_related("org").get(username=CADRE)
    city = user.org
    if city is None:
        raise SystemExit(f"{CADRE} has no organisation: generate the city first")
    lines: list[str] = []
    try:
        with transaction.atomic():
            bare_ms = _rolled_back(lambda: _bare_send(user, city))
            send_ms, notice = _ms(
                lambda: notice_send(
                    actor=user,
                    org=city,
                    title="关于开展城市规模通知测试的通知",
                    body="bench",
                    audience=Audience.ALL,
                )
            )
            units = notice.targets.count()
            messages = Message.objects.filter(source=f"notice:{notice.pk}").count()
            with connection.cursor() as cursor:  # ≈30 % of the units read, spread over the tree
                cursor.execute(
                    "UPDATE notices_noticetarget SET read_at = now(), read_by_id = %s "
                    "WHERE notice_id = %s AND id %% 10 < 3",
                    [user.pk, notice.pk],
                )
            client = Client()
            client.force_login(user)
            base = f"/notices/{notice.pk}/"
            times = _timed_pages(
                client,
                {
                    "bare": "/bench/bare/",
                    "receipts": base,
                    "unread": base + "?state=unread",
                    "page 100": base + "?page=100",
                },
                requests,
            )
            unread = NoticeTarget.objects.filter(notice=notice, read_at=None).count()
            remind_ms, _reminded = _ms(lambda: notice_remind(actor=user, notice=notice))
            raise _Rollback
    except _Rollback:
        pass
    floor = statistics.median(times["bare"])
    lines.append(
        f"(a) notice_send to every unit below {city.name} ({units:,} units, {messages:,} "
        f"messages): {send_ms / 1000:.2f} s (target < 10 s); the bare INSERTs of the same rows "
        f"{bare_ms / 1000:.2f} s: notice_send = {send_ms / bare_ms:.1f} × the floor"
    )
    for label in ("receipts", "unread", "page 100"):
        values = times[label]
        lines.append(
            f"(b) receipt page [{label}], n={len(values)}: p50 {statistics.median(values):.0f} ms, "
            f"p95 {_p(values, 0.95):.0f} ms (target < 300 ms) = "
            f"{statistics.median(values) / floor:.1f} × / {_p(values, 0.95) / floor:.1f} × "
            f"a bare view (p50 {floor:.1f} ms)"
        )
    lines.append(f"(c) notice_remind to {unread:,} unread units' people: {remind_ms / 1000:.2f} s")
    return lines


def _rolled_back(fn: Callable[[], float]) -> float:
    from django.db import transaction

    result = 0.0
    try:
        with transaction.atomic():
            result = fn()
            raise _Rollback
    except _Rollback:
        pass
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    print("## Notices (bench.notices)", flush=True)
    print("\n".join(measure(args.requests)), flush=True)


if __name__ == "__main__":
    main()
