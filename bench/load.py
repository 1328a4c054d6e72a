"""A bounded load test on loopback: concurrent signed-in sessions mixing visits, case
transitions and list pages, then a check that no acknowledged write was lost.

    .venv/bin/python -m bench.load --database-url postgres://postgres@127.0.0.1:5432/jinguo_load \
        [--users 50] [--seconds 30] [--workers 3] [--threads 8] [--fresh]

The database is created and migrated if needed and the demo loaded into it when it is empty
(`jinguo load_demo`, with DEBUG on, as `make demo` does); an existing demo database is reused
(`--fresh` drops it first). Each run adds its own pool of reported cases, so runs do not
interfere. Exits 1 on any 5xx, connection error, unexpected answer or lost write.

The client half (Session, run_clients, verify) is also what jinguo/common/tests/test_load.py
runs against pytest-django's live server. See bench/README.md, section "bench.load".
"""

import argparse
import http.client
import http.cookies
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.run import ROOT, percentile, setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_load"
DEMO_PASSWORD = "Jinguo@2026"  # noqa: S105 (the published demo password)
LISTS = ("/households/", "/visits/", "/cases/")
# Forward steps of the loop, then side steps taken now and then; reject and escalate are left
# out so that every pool case stays at its grid, where its grid member may act on it.
FORWARD = ("accept", "dispatch", "start", "resolve", "verify", "close", "rate")
SIDE = ("supervise", "delay", "return")
ACTION_DATA: dict[str, dict[str, str]] = {
    "accept": {"note": "load"},
    "start": {"note": "load"},
    "resolve": {"outcome": "oral_agreement", "note": "load"},
    "verify": {"passed": "1"},
    "close": {"note": "load"},
    "rate": {"satisfaction": "5"},
    "supervise": {"level": "yellow"},
    "delay": {"days": "1", "reason": "load"},
    "return": {"reason": "load"},
}
SERVICES = ("policy", "legal", "care", "family_education")


class ClientError(Exception):
    """An answer the load test counts as a failure (5xx, connection error, wrong page)."""


@dataclass
class Plan:
    """One session: who signs in and what she may write."""

    username: str
    password: str
    households: list[int]
    cases: list[int]


@dataclass
class Stats:
    """What every session saw; shared by the client threads (appends under one lock)."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    visits: dict[str, bool] = field(default_factory=dict)  # note token → reported a case too
    transitions: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    conflicts: int = 0  # actions refused because another session moved the case first
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, ms: float) -> None:
        with self.lock:
            self.times[kind].append(ms)
            self.statuses[kind][status] += 1

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Session:
    """A browser on one keep-alive connection: cookies, CSRF token, timings per kind."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        self.host, self.port, self.stats = host, port, stats
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self, kind: str, method: str, path: str, data: dict[str, Any] | None = None
    ) -> tuple[int, str, str]:
        """(status, Location, body). A connection error or a 5xx raises ClientError."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.stats.fail(f"{kind} {method} {path}: {exc!r}")
            raise ClientError(kind) from exc
        self.stats.note(kind, response.status, (time.perf_counter() - started) * 1000)
        self._remember(response)
        if response.status >= 500:
            self.stats.fail(f"{kind} {method} {path}: {response.status}")
            raise ClientError(kind)
        return response.status, response.headers.get("Location", ""), text

    def expect(self, status: int, answer: tuple[int, str, str], what: str) -> tuple[int, str, str]:
        if answer[0] != status:
            self.stats.fail(f"{what}: {answer[0]} (expected {status}) {answer[1]}")
            raise ClientError(what)
        return answer

    def login(self, username: str, password: str) -> None:
        """Through the real login form: GET for the CSRF cookie, POST, expect the redirect."""
        self.expect(200, self.request("login", "GET", "/accounts/login/"), "login page")
        answer = self.request(
            "login", "POST", "/accounts/login/", {"username": username, "password": password}
        )
        self.expect(302, answer, f"login {username}")


def _record_visit(session: Session, plan: Plan, rng: random.Random, token: str) -> None:
    household = rng.choice(plan.households)
    path = f"/visits/new/?household={household}"
    session.expect(200, session.request("visit form", "GET", path), "visit form")
    with_case = rng.random() < 0.2
    data = {"channel": "home", "services": rng.sample(SERVICES, 2), "note": token}
    if with_case:
        data |= {"case_kind": "dispute_neighbour", "case_title": f"{token} 邻里纠纷"}
    status, location, _body = session.request("visit save", "POST", path, data)
    if status != 302 or not location.endswith("/visits/"):
        session.stats.fail(f"visit save {token}: {status} {location}")
        raise ClientError("visit save")
    # Follow the redirect as a browser does: its page shows (and so uses up) the message.
    session.expect(200, session.request("GET /visits/", "GET", "/visits/"), "after visit")
    with session.stats.lock:
        session.stats.visits[token] = with_case


def _action_data(action: str, page: str) -> dict[str, str] | None:
    if action != "dispatch":
        return ACTION_DATA[action]
    select = re.search(r'name="dispatch-assignee"[^>]*>(.*?)</select>', page, re.S)
    values = re.findall(r'value="(\d+)"', select.group(1)) if select else []
    return {"assignee": values[0], "note": "load"} if values else None


def _choose_action(available: list[str], rng: random.Random) -> str | None:
    side = [a for a in SIDE if a in available]
    if side and rng.random() < 0.15:
        return rng.choice(side)
    forward = [a for a in FORWARD if a in available]
    return forward[0] if forward else None


def _move_case(session: Session, plan: Plan, rng: random.Random) -> bool:
    """One step of a pool case through its page; False when the case has nothing left."""
    case_id = rng.choice(plan.cases)
    page_path = f"/cases/{case_id}/"
    _status, _loc, page = session.expect(
        200, session.request("case page", "GET", page_path), "case"
    )
    available = re.findall(rf'action="/cases/{case_id}/([a-z_]+)/"', page)
    action = _choose_action(available, rng)
    data = _action_data(action, page) if action else None
    if action is None or data is None:
        return False
    answer = session.request(
        "case action",
        "POST",
        f"{page_path}{action}/",
        {f"{action}-{name}": value for name, value in data.items()},
    )
    session.expect(302, answer, f"case {case_id} {action}")
    _status, _loc, page = session.expect(
        200, session.request("case page", "GET", page_path), "case after action"
    )
    # The view answers a redirect either way; the message on the next page says which.
    with session.stats.lock:
        if "alert-success" in page:
            session.stats.transitions[(case_id, action, plan.username)] += 1
        elif "alert-danger" in page:
            session.stats.conflicts += 1
        else:
            session.stats.errors.append(f"case {case_id} {action}: no message after the action")
    return True


def _client(
    host: str,
    port: int,
    plan: Plan,
    stats: Stats,
    run: str,
    n: int,
    start: threading.Barrier,
    seconds: float,
) -> None:
    session = Session(host, port, stats)
    rng = random.Random(f"{run}-{n}")
    try:
        session.login(plan.username, plan.password)
    except ClientError:
        start.abort()
        return
    try:
        start.wait()
    except threading.BrokenBarrierError:
        return
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline:
        roll = rng.random()
        try:
            if roll < 0.3 and plan.households:
                count += 1
                _record_visit(session, plan, rng, f"load {run} {n} {count}")
            elif roll < 0.6 and plan.cases and _move_case(session, plan, rng):
                pass
            else:
                path = rng.choice(LISTS)
                session.expect(200, session.request(f"GET {path}", "GET", path), path)
        except ClientError:
            session = Session(host, port, stats)  # a fresh connection, signed in again
            try:
                session.login(plan.username, plan.password)
            except ClientError:
                return
    session.conn.close()


def run_clients(*, host: str, port: int, plans: list[Plan], seconds: float, run: str) -> Stats:
    """Every plan's session signs in, then all run together for `seconds`."""
    stats = Stats()
    start = threading.Barrier(len(plans) + 1)
    threads = [
        threading.Thread(target=_client, args=(host, port, plan, stats, run, n, start, seconds))
        for n, plan in enumerate(plans)
    ]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=600)
    except threading.BrokenBarrierError:
        stats.fail("a session could not sign in")
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    stats.seconds = time.perf_counter() - began
    return stats


# --- the database side: what the clients were told against what is stored -----------------------


@dataclass
class Findings:
    visits_found: int = 0
    visits_lost: list[str] = field(default_factory=list)
    visits_duplicated: list[str] = field(default_factory=list)
    visits_unacknowledged: list[str] = field(default_factory=list)
    cases_missing_on_visits: list[str] = field(default_factory=list)
    transitions_found: int = 0
    transitions_lost: list[tuple[int, str, str]] = field(default_factory=list)
    transitions_unacknowledged: list[tuple[int, str, str]] = field(default_factory=list)
    broken_histories: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.visits_lost
            or self.visits_duplicated
            or self.visits_unacknowledged
            or self.cases_missing_on_visits
            or self.transitions_lost
            or self.transitions_unacknowledged
            or self.broken_histories
        )


def verify(*, stats: Stats, run: str, cases: list[int]) -> Findings:
    """Every acknowledged visit stored exactly once (with its case when one was reported), every
    acknowledged transition in the case history, and each pool case's history one unbroken
    chain (each step starts from the status the previous one left) ending at its status."""
    from django.db.models import Count

    from jinguo.cases.models import Case, CaseTransition
    from jinguo.visits.models import Visit

    found = Findings()
    stored = {
        row["note"]: row
        for row in Visit.objects.filter(note__startswith=f"load {run} ")
        .values("note")
        .annotate(n=Count("id"), cases=Count("case"))
    }
    for token, with_case in stats.visits.items():
        row = stored.get(token)
        if row is None:
            found.visits_lost.append(token)
            continue
        found.visits_found += 1
        if row["n"] != 1:
            found.visits_duplicated.append(token)
        if with_case and row["cases"] != 1:
            found.cases_missing_on_visits.append(token)
    found.visits_unacknowledged = sorted(set(stored) - set(stats.visits))

    history: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    rows = CaseTransition.objects.filter(case_id__in=cases).order_by("case_id", "pk")
    for case_id, action, old, new, username in rows.values_list(
        "case_id", "action", "from_status", "to_status", "actor__username"
    ):
        history[case_id].append((action, old, new, username or ""))
    stored_moves: Counter[tuple[int, str, str]] = Counter(
        (case_id, action, username)
        for case_id, steps in history.items()
        for action, _old, _new, username in steps
        if action in FORWARD or action in SIDE
    )
    found.transitions_found = sum((stored_moves & stats.transitions).values())
    found.transitions_lost = sorted((stats.transitions - stored_moves).elements())
    found.transitions_unacknowledged = sorted((stored_moves - stats.transitions).elements())
    statuses = dict(Case.objects.filter(pk__in=cases).values_list("pk", "status"))
    for case_id in cases:
        steps = history.get(case_id, [])
        chained = all(steps[i][1] == steps[i - 1][2] for i in range(1, len(steps)))
        if not steps or not chained or steps[-1][2] != statuses[case_id]:
            found.broken_histories.append(case_id)
    return found


def report(stats: Stats, found: Findings) -> str:
    # Sign-ins happen before the clock starts; they are listed but not in the total.
    total = sum(len(t) for kind, t in stats.times.items() if kind != "login")
    lines = [
        f"{'kind':18} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  "
        "statuses",
    ]
    for kind in sorted(stats.times):
        times = stats.times[kind]
        statuses = " ".join(f"{s}×{n}" for s, n in sorted(stats.statuses[kind].items()))
        lines.append(
            f"{kind:18} {len(times):8} {len(times) / stats.seconds:7.1f} "
            f"{percentile(times, 0.5):8.0f} {percentile(times, 0.95):8.0f} {max(times):8.0f}  "
            f"{statuses}"
        )
    lines.append(
        f"{'all but login':18} {total:8} {total / stats.seconds:7.1f}  in {stats.seconds:.1f} s"
    )
    acked = sum(stats.transitions.values())
    lines += [
        "",
        f"errors: {len(stats.errors)}" + "".join(f"\n  {e}" for e in stats.errors[:20]),
        f"visits: {len(stats.visits)} acknowledged, {found.visits_found} found "
        f"({sum(stats.visits.values())} with a case); lost {len(found.visits_lost)}, "
        f"duplicated {len(found.visits_duplicated)}, unacknowledged "
        f"{len(found.visits_unacknowledged)}, case missing {len(found.cases_missing_on_visits)}",
        f"case transitions: {acked} acknowledged, {found.transitions_found} found in the history; "
        f"lost {len(found.transitions_lost)}, unacknowledged "
        f"{len(found.transitions_unacknowledged)}, refused as already moved {stats.conflicts}, "
        f"broken histories {len(found.broken_histories)}",
    ]
    return "\n".join(lines)


# --- the command: database, demo, pool of cases, gunicorn --------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.load", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--users", type=int, default=50, help="concurrent sessions")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn gthread workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--cases-per-grid", type=int, default=10)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    return parser.parse_args(argv)


def prepare_database(url: str, *, fresh: bool) -> None:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jinguo.accounts.models import User
    from jinguo.orgs.models import OrgUnit

    if not OrgUnit.objects.exists():
        # load_demo refuses to run with DEBUG off, and bench.settings turn it off.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "JINGUO_DEBUG": "true"}
        jinguo = str(Path(sys.executable).with_name("jinguo"))
        subprocess.run([jinguo, "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    elif not User.objects.filter(username="songhe").exists():
        raise SystemExit(f"{name} holds organisations but not the demo: use --fresh or another")


def demo_plans(*, users: int, cases_per_grid: int, run: str) -> tuple[list[Plan], list[int]]:
    """Sessions round-robin over Songhe's writers (three cadres, six grid members) and a fresh
    pool of reported cases at the six grids; every session may act on the cases she sees."""
    from jinguo.accounts.models import User
    from jinguo.cases.services import case_report
    from jinguo.households.models import Household
    from jinguo.orgs.models import OrgUnit

    songhe = OrgUnit.objects.get(name="嵩合社区")
    grids = list(OrgUnit.objects.filter(parent=songhe, kind="grid").order_by("pk"))
    chair = User.objects.get(username="songhe")
    pool: dict[int, list[int]] = {
        grid.pk: [
            case_report(
                actor=chair, org=grid, kind="dispute_neighbour", title=f"load {run} {grid.pk} {i}"
            ).pk
            for i in range(cases_per_grid)
        ]
        for grid in grids
    }
    writers = list(User.objects.filter(org__in=[songhe, *grids], is_active=True).order_by("pk"))
    households: dict[int, list[int]] = defaultdict(list)
    for pk, grid_id in Household.objects.filter(grid__in=grids).values_list("pk", "grid_id"):
        households[grid_id].append(pk)
    plans = []
    for n in range(users):
        user = writers[n % len(writers)]
        mine = [user.org_id] if user.org_id in pool else list(pool)
        plans.append(
            Plan(
                username=user.username,
                password=DEMO_PASSWORD,
                households=[h for grid in mine for h in households[grid]],
                cases=[c for grid in mine for c in pool[grid]],
            )
        )
    return plans, [c for cases in pool.values() for c in cases]


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["PYTHONWARNINGS"] = "ignore:No directory at"  # WhiteNoise: no collectstatic needed
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    command += ["--worker-class", "gthread", "--workers", str(args.workers)]
    command += ["--threads", str(args.threads), "--timeout", "120", "--log-level", "warning"]
    # gthread closes a keep-alive connection whose next request has waited longer than
    # --keep-alive (2 s by default) for a free thread: under 50 sessions that is a dropped
    # request, not a slow one. nginx keeps its upstream connections 60 s; so does the bench.
    command += ["--keep-alive", "60"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own server)
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
            conn.request("GET", "/bench/bare/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench.load needs PostgreSQL (--database-url postgres://…)")
    setup(args.database_url)
    from django.db import connection

    started = time.perf_counter()
    prepare_database(args.database_url, fresh=args.fresh)
    run = uuid.uuid4().hex[:8]
    plans, cases = demo_plans(users=args.users, cases_per_grid=args.cases_per_grid, run=run)
    print(
        f"database {connection.settings_dict['NAME']} ready in {time.perf_counter() - started:.0f}"
        f" s; run {run}: {len(plans)} sessions over {len({p.username for p in plans})} accounts,"
        f" {len(cases)} pool cases; gunicorn {args.workers} gthread workers × {args.threads}"
        f" threads; {args.seconds:.0f} s",
        flush=True,
    )
    connection.close()
    server = start_server(args)
    try:
        stats = run_clients(
            host="127.0.0.1", port=args.port, plans=plans, seconds=args.seconds, run=run
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    found = verify(stats=stats, run=run, cases=cases)
    print(report(stats, found))
    failed = bool(stats.errors) or not found.ok
    print("FAILED" if failed else "OK: no errors, no lost writes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
