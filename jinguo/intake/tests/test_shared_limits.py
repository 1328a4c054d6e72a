"""The public intake's limit (5 submissions an hour from one address) holds across web workers
and across a restart: behind a real gunicorn with two sync workers, on a file SQLite database
made for the test, with the counters in the database table and, when a Redis answers, in Redis.

Each server is stopped in a `finally`; every wait is bounded.
"""

import base64
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from jinguo.intake.services import PER_IP_PER_HOUR

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[3]
SUBMISSIONS = 15
BEFORE_RESTART = 8
START_SECONDS = 120
REDIS_URL = os.environ.get("JINGUO_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")

SEED = """
import django
django.setup()
from jinguo.intake.models import IntakePoint
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory
K = OrgUnit.Kind
city = OrgUnitFactory(name="宣城市", kind=K.CITY, code="341800000000")
county = OrgUnitFactory(name="郎溪县", kind=K.COUNTY, code="341821000000", parent=city)
town = OrgUnitFactory(name="建平镇", kind=K.TOWNSHIP, code="341821100000", parent=county)
village = OrgUnitFactory(name="东门村", kind=K.VILLAGE, code="341821100001", parent=town)
print(IntakePoint.objects.create(org=village).token)
"""


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _env(database: Path, cache_url: str | None = None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JINGUO_") and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{database}",
        JINGUO_DEBUG="true",
        JINGUO_SECRET_KEY=secrets.token_urlsafe(50),
        JINGUO_FIELD_KEY=_key(),
        JINGUO_HASH_KEY=_key(),
    )
    if cache_url:
        env["JINGUO_CACHE_URL"] = cache_url
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, str]:
    """A migrated SQLite file with one intake point; returns (file, the point's token)."""
    database = tmp_path_factory.mktemp("gunicorn") / "jinguo.sqlite3"
    env = _env(database)

    def run(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own interpreter)
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return done.stdout

    run("-m", "jinguo", "migrate", "--noinput", "-v", "0")
    return database, run("-c", SEED).strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    return conn.getresponse()


class Server:
    """gunicorn with two sync workers on a free port, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, token: str) -> None:
        self.port = _free_port()
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=60",
            "--graceful-timeout=5",
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter)
                command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
            )
        self._wait_ready(f"/intake/p/{token}/")

    def _wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if _get(self.port, path).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"gunicorn did not answer:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def _submit(port: int, token: str, number: int) -> int:
    """One resident's submission through the public form; the HTTP status of the POST."""
    path = f"/intake/p/{token}/"
    form = _get(port, path)
    html = form.read().decode()
    cookies = SimpleCookie()
    for header in form.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match and "csrftoken" in cookies, html[:500]
    body = urlencode(
        {
            "csrfmiddlewaretoken": match.group(1),
            "kind": "request",
            "content": f"第{number}件事：巷口路灯坏了，请帮忙修一下",
            "name": "王阿姨",
            "phone": "139 0563 1234",
        }
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        path,
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
        },
    )
    return conn.getresponse().status


def _submit_around_a_restart(env: dict[str, str], log: Path, token: str) -> list[int]:
    statuses: list[int] = []
    for first, last in ((0, BEFORE_RESTART), (BEFORE_RESTART, SUBMISSIONS)):
        server = Server(env, log, token)
        try:
            statuses += [_submit(server.port, token, n) for n in range(first, last)]
        finally:
            server.stop()
    return statuses


def test_two_workers_and_a_restart_let_through_exactly_five_submissions_an_hour(site, tmp_path):
    database, token = site
    copy = tmp_path / "jinguo.sqlite3"
    copy.write_bytes(database.read_bytes())
    statuses = _submit_around_a_restart(_env(copy), tmp_path / "gunicorn.log", token)
    assert statuses.count(302) == PER_IP_PER_HOUR, statuses
    assert statuses.count(429) == SUBMISSIONS - PER_IP_PER_HOUR, statuses


@pytest.fixture(scope="module")
def redis_url():
    """The Redis at REDIS_URL (db 1 by default), without intake counters before and after; the
    test is skipped (before any database is made) when none answers."""
    redis = pytest.importorskip("redis")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {REDIS_URL}")

    def empty() -> None:
        for key in client.scan_iter(match="*throttle:intake:*"):
            client.delete(key)

    empty()
    yield REDIS_URL
    empty()


def test_with_redis_as_the_shared_cache_the_limit_holds_the_same(redis_url, site, tmp_path):
    database, token = site
    copy = tmp_path / "jinguo.sqlite3"
    copy.write_bytes(database.read_bytes())
    env = _env(copy, cache_url=redis_url)
    statuses = _submit_around_a_restart(env, tmp_path / "gunicorn.log", token)
    assert statuses.count(302) == PER_IP_PER_HOUR, statuses
    assert statuses.count(429) == SUBMISSIONS - PER_IP_PER_HOUR, statuses
