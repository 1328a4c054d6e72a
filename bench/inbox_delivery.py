"""Delivery throughput: one worker process sending queued messages to the fake gateway.

    .venv/bin/python -m bench.inbox_delivery [--database-url postgres://…/jinguo_inboxbench]
        [--messages 20000] [--channel sms|wecom]

N recipients (bench accounts, made once, each with a phone and the channel chosen) get one
message each through inbox.services.messages_send (timed: the queueing). Then one process runs
the delivery job (inbox.delivery.deliver, what the Celery task runs) over the queued deliveries
in batches of JINGUO_DELIVERY_BATCH, against the fake gateway (jinguo.inbox.fakes) serving in a
process of its own, and the messages per second are printed.

The floor, measured in the same run: the same client (a urllib3 pool, keep-alive, as many
requests in flight as JINGUO_SMS_CONNECTIONS) sending the gateway the same signed SendSms
request N times (企业微信: one card per 1,000 users, no ratio printed), without
Jinguo's bookkeeping (no claim, no database, no decryption). Throughput is printed as a ratio to
it, so that the figure survives a slow machine. The bench's messages are deleted afterwards.
"""

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = f"sqlite:///{ROOT / 'var' / 'inboxbench.sqlite3'}"
PREFIX = "inboxbench"
FAKE_SECRET = "fake-secret"  # noqa: S105 (the fake gateway's)


def check(ok: bool, answer: object) -> None:
    if not ok:
        raise RuntimeError(f"the fake gateway refused the floor's request: {answer}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.inbox_delivery", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--channel", choices=["sms", "wecom"], default="sms")
    parser.add_argument("--serve-gateway", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("JINGUO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def serve_gateway() -> None:
    """The fake gateway in this process until stdin closes; its URL on the first line."""
    from jinguo.inbox.fakes import FakeGateway

    gateway = FakeGateway(record=False).start()
    print(gateway.url, flush=True)
    sys.stdin.read()
    gateway.stop()


def ensure_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, _slash, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not found:
                conn.execute(f'CREATE DATABASE "{name}"')
    else:
        (ROOT / "var").mkdir(exist_ok=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def recipients(n: int, channel: str) -> list[int]:
    """N bench accounts with a phone and `channel` chosen (made once, reused)."""
    from jinguo.accounts.models import User
    from jinguo.inbox.models import Preference
    from jinguo.orgs.kinds import Kind
    from jinguo.orgs.models import OrgUnit

    org = OrgUnit.objects.filter(code="349999000000").first()
    if org is None:
        org = OrgUnit.objects.create(name="测速市", kind=Kind.CITY, code="349999000000")
    have = User.objects.filter(username__startswith=PREFIX).count()
    if have < n:
        User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}{i:06d}",
                    full_name="测速",
                    role=User.Role.GRID_MEMBER,
                    org=org,
                    phone=f"139{i:08d}",
                    password="!",  # noqa: S106 (unusable: no bench account signs in)
                )
                for i in range(have, n)
            ],
            batch_size=2000,
        )
    ids = list(
        User.objects.filter(username__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:n]
    )
    Preference.objects.filter(user_id__in=ids).delete()
    Preference.objects.bulk_create(
        [Preference(user_id=pk, sms=channel == "sms", wecom=channel == "wecom") for pk in ids],
        batch_size=2000,
    )
    return ids


def configure(url: str) -> None:
    from django.conf import settings

    from jinguo.inbox.backends import reset_backends

    settings.JINGUO_SMS_BACKEND = "jinguo.inbox.backends.aliyun.AliyunSmsBackend"
    settings.JINGUO_WECOM_BACKEND = "jinguo.inbox.backends.wecom.WecomBackend"
    settings.JINGUO_SMS_ENDPOINT = url + "/"
    settings.JINGUO_SMS_ACCESS_KEY_ID = "fake-key"
    settings.JINGUO_SMS_ACCESS_KEY_SECRET = "fake-secret"  # noqa: S105 (the fake's)
    settings.JINGUO_SMS_SIGN_NAME = "巾帼网格"
    settings.JINGUO_SMS_TEMPLATE_CODE = "SMS_0001"
    settings.JINGUO_WECOM_BASE_URL = url
    settings.JINGUO_WECOM_CORP_ID = "fake-corp"
    settings.JINGUO_WECOM_SECRET = "fake-corp-secret"  # noqa: S105
    settings.JINGUO_WECOM_AGENT_ID = "1000002"
    reset_backends()


def floor(url: str, n: int, channel: str) -> float:
    """Requests of the same kind from the same client, nothing else: deliveries per second."""
    import json
    from urllib.parse import urlencode

    from django.conf import settings

    from jinguo.inbox.backends.aliyun import signed
    from jinguo.inbox.backends.http import pool, request_json

    http = pool(maxsize=settings.JINGUO_SMS_CONNECTIONS)
    started = time.perf_counter()
    if channel == "sms":
        params = {
            "PhoneNumbers": "13900000001",
            "SignName": "巾帼网格",
            "TemplateCode": "SMS_0001",
            "TemplateParam": json.dumps({"title": "通知", "link": url}, ensure_ascii=False),
        }
        body = urlencode(signed("SendSms", params, key_id="fake-key", secret=FAKE_SECRET)).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}

        def one(_i: int) -> None:
            answer = request_json(http, "POST", url + "/", body=body, headers=headers)
            check(answer.get("Code") == "OK", answer)

        # as many requests in flight as the backend has (JINGUO_SMS_CONNECTIONS)
        with ThreadPoolExecutor(max_workers=settings.JINGUO_SMS_CONNECTIONS) as threads:
            list(threads.map(one, range(n)))
    else:
        token = request_json(
            http,
            "GET",
            url + "/cgi-bin/gettoken",
            fields={"corpid": "fake-corp", "corpsecret": "fake-corp-secret"},
        )["access_token"]
        for start in range(0, n, 1000):
            users = "|".join(f"{PREFIX}{i:06d}" for i in range(start, min(n, start + 1000)))
            payload = {"touser": users, "msgtype": "textcard", "agentid": 1000002}
            payload["textcard"] = {"title": "通知", "description": "请登录", "url": url}
            answer = request_json(
                http,
                "POST",
                f"{url}/cgi-bin/message/send?access_token={token}",
                body=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json"},
            )
            check(answer.get("errcode") == 0, answer)
    return n / (time.perf_counter() - started)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count

    from jinguo.inbox import delivery, tasks
    from jinguo.inbox.models import Delivery, Message
    from jinguo.inbox.services import Outgoing, messages_send

    ensure_database(args.database_url)
    ids = recipients(args.messages, args.channel)
    gateway = subprocess.Popen(  # noqa: S603 (this very module)
        [sys.executable, "-m", "bench.inbox_delivery", "--serve-gateway"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
    )
    try:
        url = gateway.stdout.readline().strip() if gateway.stdout else ""
        configure(url)
        floor(url, 200, args.channel)  # warm up both sides
        floor_rate = floor(url, args.messages, args.channel)
        queued: list[int] = []

        def collect(ids: list[int], *, countdown: int = 0) -> int:
            queued.extend(ids)
            return 0

        real_enqueue, tasks.enqueue = tasks.enqueue, collect
        source = f"{PREFIX}:{time.time_ns()}"
        started = time.perf_counter()
        outgoing = [Outgoing(pk, "关于开展巾帼志愿服务的通知", link="/") for pk in ids]
        messages_send(kind="notice", source=source, outgoing=outgoing)
        queue_seconds = time.perf_counter() - started
        tasks.enqueue = real_enqueue
        size = settings.JINGUO_DELIVERY_BATCH
        started = time.perf_counter()
        for start in range(0, len(queued), size):
            delivery.deliver(queued[start : start + size])
        seconds = time.perf_counter() - started
        states = dict(
            Delivery.objects.filter(message__source=source)
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        Message.objects.filter(source=source).delete()
    finally:
        if gateway.stdin:
            gateway.stdin.close()
        gateway.wait(timeout=10)
    rate = len(queued) / seconds
    return {
        "queue_seconds": queue_seconds,
        "rate": rate,
        "floor": floor_rate,
        "states": states,
        "n": len(queued),
    }


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.serve_gateway:
        setup(os.environ.get("DATABASE_URL", DEFAULT_URL))
        serve_gateway()
        return
    setup(args.database_url)
    from django.db import connection

    r = run(args)
    print(f"inbox delivery ({connection.vendor}, {args.channel}, {r['n']} messages)")
    print(f"  messages_send to {args.messages} recipients: {r['queue_seconds']:.2f} s")
    print(f"  delivered: {r['rate']:.0f} messages/s (target >= 500), states {r['states']}")
    if args.channel == "sms":
        print(f"  floor (bare requests, same client): {r['floor']:.0f}/s")
        print(f"  ratio to the floor: {r['rate'] / r['floor']:.2f}")
    else:  # 1,000 users a request: the floor is a handful of requests, no useful ratio
        print(f"  floor (bare requests of 1,000 users each): {r['floor']:.0f} users/s")


if __name__ == "__main__":
    main(sys.argv[1:])
