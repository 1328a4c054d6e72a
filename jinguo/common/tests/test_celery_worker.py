"""A real Celery worker against the real Redis (127.0.0.1:6379; `.ci/run` starts it), on a file
SQLite database made for the test: a task enqueued by the web side's code is run by the worker,
and an import whose worker is killed mid-job (SIGKILL) is delivered again to a new worker and
done once. Skipped, saying so, only when Redis does not answer.

Each test uses a Redis database of its own (emptied first) so that the two may run side by
side; every worker is killed in a `finally`; every wait is bounded.
"""

import base64
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[3]
REDIS = ("127.0.0.1", 6379)
WAIT_SECONDS = 30

SEED = """
import django
django.setup()
from conftest import build_tree, build_users
build_users(build_tree())
"""

# Enqueue the way the site does: an upload's job (its task is sent once the transaction
# commits) and the tallies' refresh; prints the job's id.
ENQUEUE = """
import sys
import django
django.setup()
from django.db import transaction
from jinguo.accounts.models import User
from jinguo.imports.services import import_job_create
from jinguo.imports.tests.conftest import id_number, upload, xlsx
from jinguo.imports.tests.test_services import EXEC_HEADER
from jinguo.orgs.models import OrgUnit
from jinguo.reports.tasks import tallies_refresh_and_warm
seq = int(sys.argv[1])
songhe = OrgUnit.objects.get(code="341881001001")
row = [f"执委{seq}", id_number(seq=seq), "", "", "", "", songhe.code, "执委"]
with transaction.atomic():
    job = import_job_create(
        actor=User.objects.get(username="songhe_chair"), org=songhe, kind="executives",
        upload=upload(xlsx([EXEC_HEADER, row])),
    )
if "--tallies" in sys.argv:
    tallies_refresh_and_warm.delay()
print(job.pk)
"""


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _flush(db: int) -> None:
    with socket.create_connection(REDIS, timeout=5) as sock:
        sock.sendall(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
        answer = b""
        while answer.count(b"\r\n") < 2:
            answer += sock.recv(64)
        assert answer == b"+OK\r\n+OK\r\n", answer


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, str]:
    """A migrated SQLite file with the test tree and cast; returns the environment to run the
    site's processes with (no broker yet)."""
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS[0]}:{REDIS[1]} (.ci/run starts it)")
    base = tmp_path_factory.mktemp("celery")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("JINGUO_") and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{base / 'jinguo.sqlite3'}",
        JINGUO_DEBUG="true",
        JINGUO_SECRET_KEY=secrets.token_urlsafe(50),
        JINGUO_FIELD_KEY=_key(),
        JINGUO_HASH_KEY=_key(),
        JINGUO_MEDIA_ROOT=str(base / "media"),  # shared by the web side and the workers
    )
    _python(env, "-m", "jinguo", "migrate", "--noinput", "-v", "0")
    _python(env, "-c", SEED)
    return env


def _python(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Worker:
    """`celery -A config worker` in its own process group: production's pool (prefork, one
    child here) or the solo pool, whose one process runs the job (celery_hold patches it)."""

    def __init__(self, env: dict[str, str], log: Path, name: str, pool: str) -> None:
        self.log = log
        command = [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}"),
            "--concurrency=1",
            *(f"--hostname={name}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle"),
            "--include=jinguo.common.tests.celery_hold",
        ]
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter)
                command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
            )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def workers(site, tmp_path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(env: dict[str, str], pool: str = "solo") -> Worker:
        number = len(started)
        worker = Worker(env, tmp_path / f"worker{number}.log", f"w{number}", pool)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()


def _broker(site: dict[str, str], db: int, **extra: str) -> dict[str, str]:
    _flush(db)
    _flush(db + 1)  # the shared cache beside the broker
    return {**site, "JINGUO_BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{db}", **extra}


def _query(env: dict[str, str], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=10) as db:
        return db.execute(sql, params).fetchall()


def _job_status(env: dict[str, str], job_id: int) -> str:
    return _query(env, "SELECT status FROM imports_importjob WHERE id = ?", job_id)[0][0]


def _wait(condition: Callable[[], bool], what: str, worker: Worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(f"no {what} within {WAIT_SECONDS} s:\n{worker.output()}")


def test_a_worker_runs_the_tasks_the_site_enqueues(site, workers):
    env = _broker(site, 5)
    worker = workers(env, pool="prefork")
    job_id = int(_python(env, "-c", ENQUEUE, "31", "--tallies").split()[-1])
    _wait(lambda: _job_status(env, job_id) == "done", "finished import", worker)
    _wait(lambda: bool(_query(env, "SELECT id FROM reports_tallyrun")), "tallies run", worker)
    assert _query(env, "SELECT count(*) FROM people_person WHERE name = '执委31'") == [(1,)]


def test_an_import_whose_worker_was_killed_midway_is_done_once_by_the_next(site, workers, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    # Redis hands an unacknowledged task out again once this visibility timeout has passed.
    env = _broker(site, 7, JINGUO_JOB_VISIBILITY_SECONDS="1", JINGUO_TEST_HOLD=str(hold))
    first = workers(env)
    job_id = int(_python(env, "-c", ENQUEUE, "32").split()[-1])
    reached = Path(f"{hold}.reached")
    _wait(reached.exists, "import held after its claim", first)
    assert _job_status(env, job_id) == "validating"
    first.kill()  # SIGKILL: no acknowledgement, no clean-up
    hold.unlink()
    second = workers(env)
    _wait(lambda: _job_status(env, job_id) == "done", "finished import", second)
    actions = _query(
        env,
        "SELECT action FROM audit_auditevent WHERE target_id = ? AND action LIKE 'import.%' "
        "ORDER BY id",
        str(job_id),
    )
    assert [a for (a,) in actions] == [
        "import.queued",
        "import.validating",  # the first worker's claim
        "import.validating",  # the second worker's, resuming
        "import.writing",
        "import.done",
    ]
    assert _query(env, "SELECT count(*) FROM people_person WHERE name = '执委32'") == [(1,)]
