"""The bench suite in one run: dashboard p95, list page req/s against a bare view, import and
export rows/s.

    .venv/bin/python -m bench.run [--database-url postgres://…/jinguo_bench] [--scale county]

The database is generated first (`jinguo generate --scale …`) when it is empty; an existing one
is reused as it is. See bench/README.md. Never part of the test suite: it measures this machine.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_bench"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--scale", choices=["city", "county", "town"], default="county")
    parser.add_argument("--requests", type=int, default=50, help="dashboard requests per user")
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per page")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="the pages take turns this many times, --seconds split among the turns: a slow "
        "spell of the machine then slows every page, not the one measured in it",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--conn-max-age",
        default="0,60",
        help="JINGUO_DB_CONN_MAX_AGE values the list pages are served with, comma-separated "
        "(0: the default, a connection per request; 60: kept, "
        "as docs/configuration.md advises for production)",
    )
    parser.add_argument("--import-rows", type=int, default=20_000, help="0: skip the import")
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument(
        "--parts",
        default="dashboard,lists,export,import",
        help="comma-separated subset of dashboard,lists,export,import,rounds,phone (rounds, "
        "phone: not in the default run; phone: bench/phone.py on its own demo database)",
    )
    parser.add_argument(
        "--round-units", type=int, default=20, help="rounds: units whose draft is timed"
    )
    return parser.parse_args(argv)


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("JINGUO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def ensure_database(url: str, scale: str) -> str:
    """Create and migrate the database if needed, generate it if empty; what was done."""
    if url.startswith("postgres"):
        import psycopg

        base, _slash, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not found:
                conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from jinguo.demo.generate.base import database_is_empty

    if not database_is_empty():
        return "reused the existing database"
    started = time.perf_counter()
    call_command("generate", scale=scale)
    return f"generated --scale {scale} in {time.perf_counter() - started:.0f} s"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def dashboard_pages() -> tuple[str, list[str]]:
    from django.urls import Resolver404, resolve

    try:
        resolve("/dashboard/")
    except Resolver404:
        return "coverage + case figures", ["/households/coverage/", "/cases/figures/"]
    return "/dashboard/", ["/dashboard/"]


def measure_refresh() -> dict[str, float]:
    """`jinguo refresh_tallies`: a full run, then an incremental one (seconds)."""
    from jinguo.reports.tallies import tallies_refresh

    full = tallies_refresh(full=True).seconds
    tallies_refresh()
    return {"full": full, "incremental": tallies_refresh().seconds}


class Refresher:
    """The tallies' beat entry every N seconds beside the measurement, in a process of its own
    as production runs it (beat; here the in-process beat, which needs no Redis, with only that
    entry: bench/settings.py), after one `jinguo refresh_tallies` so that the tallies are fresh
    from the start: the database does the refresh work while the dashboard is being timed. Run
    in a thread of the measuring process instead, its Python work held the measured requests up
    on the GIL, which no production request waits for. `warm`: each run also recomputes the
    dashboards opened lately; off while cold visits are timed (a warmed page would not be
    cold)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.process: subprocess.Popen[bytes] | None = None
        self.schedule = Path(tempfile.mkdtemp(prefix="bench-beat-")) / "schedule"

    def start(self, *, warm: bool) -> None:
        self.stop()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),  # bench.settings, which the console script cannot see
            "JINGUO_DASHBOARD_WARM_LIMIT": "40" if warm else "0",
            "BENCH_REFRESH_EVERY": str(self.every),
        }
        once = [str(Path(sys.executable).with_name("jinguo")), "refresh_tallies"]
        once += ["--warm"] if warm else []
        subprocess.run(  # noqa: S603 (our own command)
            once, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True
        )
        beat = [str(Path(sys.executable).with_name("celery")), "-A", "config", "beat"]
        beat += ["-S", "jinguo.common.jobs:InProcessScheduler", "-s", str(self.schedule)]
        self.process = subprocess.Popen(  # noqa: S603 (our own command)
            [*beat, "--loglevel", "WARNING"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
            self.process = None


def _stats(user: Any, page: str, times: list[float]) -> dict[str, Any]:
    return {
        "user": f"{user.username} ({user.org.name if user.org else ''})",
        "page": page,
        "n": len(times),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
    }


def _time_dashboard(
    username: str, requests: int, *, cold: bool, gap: float = 0.0
) -> list[dict[str, Any]]:
    """One cadre opening her dashboard `requests` times (after two warm-ups): the page, then
    the comparison it fetches. `cold`: the cache is emptied before each visit, so the page
    computes the board and the second request the previous period (nobody opened this unit
    and period in the last 30 s); otherwise the page cache works as configured. `gap`: seconds
    between visits (the warm mode spreads them over more than the cache's 30 s)."""
    from django.core.cache import caches
    from django.test import Client
    from django.utils import timezone

    from jinguo.accounts.models import User

    cache = caches["dashboard"]
    label, pages = dashboard_pages()
    if label == "/dashboard/":
        pages = ["/dashboard/", "/dashboard/changes/"]
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    user = User.objects.select_related("org").get(username=username)
    client = Client()
    client.force_login(user)
    query = f"?org={user.org_id}&start={start}&end={today}"
    times: dict[str, list[float]] = {page: [] for page in pages}
    for i in range(requests + 2):
        if cold:
            cache.clear()
        elif gap and i >= 2:
            time.sleep(gap)
        for page in pages:
            started = time.perf_counter()
            response = client.get(page + query)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{page} answered {response.status_code} for {username}")
            if i >= 2:
                times[page].append(elapsed)
    rows = [_stats(user, page, t) for page, t in times.items()]
    if len(pages) > 1:
        rows.append(_stats(user, "both", [t for ts in times.values() for t in ts]))
    return rows


USERS = ("city_cadre", "county1_cadre", "village_chair")


def measure_dashboard(requests: int) -> list[dict[str, Any]]:
    """Django test Client in this process, with the refresher running beside it: every visit
    cold (nothing cached), visits as configured (30 s cache), visits spread over more than
    30 s while the refresher keeps the dashboards opened lately warm, and, for reference, a few
    requests without tallies (counting live, cache off)."""
    from django.conf import settings

    results = []
    refresher = Refresher(every=15)
    refresher.start(warm=False)
    settings.DASHBOARD_CACHE_SECONDS = 30
    try:
        for mode, cold in (("cold", True), ("cached 30 s", False)):
            for username in USERS:
                results += [
                    {"mode": mode, **r} for r in _time_dashboard(username, requests, cold=cold)
                ]
        # Warm: the refresher also recomputes the dashboards opened lately (as beat's tallies
        # task does); visits spread over more than the cache's 30 s.
        refresher.start(warm=True)
        gap = max(45.0 / max(requests, 1), 0.5)
        for username in USERS:
            rows = _time_dashboard(username, requests, cold=False, gap=gap)
            results += [{"mode": "warm (refresher)", **r} for r in rows]
    finally:
        refresher.stop()
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.TALLY_MAX_AGE_SECONDS = 0
    for username in USERS:
        rows = _time_dashboard(username, 3, cold=True)
        results += [{"mode": "live, no tallies", **r} for r in rows if r["page"] == "/dashboard/"]
    settings.TALLY_MAX_AGE_SECONDS = 30
    settings.DASHBOARD_CACHE_SECONDS = 30
    return results


def session_cookie(username: str) -> str:
    from django.test import Client

    from jinguo.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _port_answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def start_server(
    port: int, workers: int, url: str, conn_max_age: int = 0, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """gunicorn with bench/settings.py, or the settings and environment `env` gives."""
    env = {
        **(env if env is not None else {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}),
        "DATABASE_URL": url,
        "JINGUO_DB_CONN_MAX_AGE": str(conn_max_age),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    if _port_answers(port):  # another server's answers would be timed instead of ours
        raise SystemExit(f"port {port} is already in use: choose another with --port")
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own server)
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/bench/bare/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> dict[str, Any]:
    """Keep-alive connections hitting `path` for `seconds`, each keeping its cookies as a browser
    does; requests per second, all 200."""
    counts = [0] * concurrency
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        jar = SimpleCookie(cookie)
        while time.perf_counter() < stop:
            sent = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
            conn.request("GET", path, headers={"Cookie": sent})
            response = conn.getresponse()
            response.read()
            # Send back what the server set, as a browser does: without its CSRF cookie, every
            # page with a form would make and set a new CSRF secret, which no browser causes.
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
                return
            counts[i] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(errors[0])
    return {
        "path": path,
        "requests": sum(counts),
        "seconds": elapsed,
        "rps": sum(counts) / elapsed,
    }


LIST_PAGES = ["/households/", "/visits/", "/cases/"]


def measure_lists(args: argparse.Namespace, conn_max_age: int) -> list[dict[str, Any]]:
    cookie = session_cookie("county1_cadre")
    server = start_server(args.port, args.workers, args.database_url, conn_max_age)
    try:
        paths = ["/bench/bare/"]
        for page in LIST_PAGES:  # each page, then its floor (bench/urls.py: page_floor)
            paths += [page, f"/bench/floor{page}"]
        for path in paths:
            load(args.port, path, cookie, 1.0, args.concurrency)  # warm-up
        requests = dict.fromkeys(paths, 0)
        elapsed = dict.fromkeys(paths, 0.0)
        turn = args.seconds / max(args.rounds, 1)
        for _round in range(max(args.rounds, 1)):
            for path in paths:
                result = load(args.port, path, cookie, turn, args.concurrency)
                requests[path] += result["requests"]
                elapsed[path] += result["seconds"]
        return [
            {"path": p, "requests": requests[p], "rps": requests[p] / elapsed[p]} for p in paths
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_export(rows: int) -> dict[str, Any]:
    """The households of the county through the project's Excel export helper (which audits)."""
    from jinguo.accounts.models import User
    from jinguo.common.xlsx import Column, xlsx_download
    from jinguo.households.scope import households_visible

    user = User.objects.get(username="county1_cadre")
    started = time.perf_counter()
    households = households_visible(user=user).order_by("pk")[:rows]
    data = households.values_list("number", "grid__name", "address", "head__name").iterator(
        chunk_size=5000
    )
    columns = [
        Column(label, itemgetter(i)) for i, label in enumerate(["户号", "网格", "地址", "户主"])
    ]
    response = xlsx_download(
        actor=user,
        action="bench.export",
        filename="bench",
        columns=columns,
        records=data,
        note="bench",
    )
    size = len(response.content)
    seconds = time.perf_counter() - started
    count = min(rows, households_visible(user=user).count())
    return {"rows": count, "seconds": seconds, "rps": count / seconds, "bytes": size}


def measure_import(rows: int, url: str) -> str:
    """bench/import_households (ours and the raw limit) on the same server, fresh databases."""
    base = url.rpartition("/")[0] + "/postgres" if url.startswith("postgres") else ""
    command = [sys.executable, "-m", "bench.import_households", "--rows", str(rows)]
    command += ["--only", "raw", "--only", "ours"]
    if base:
        command += ["--database-url", base]
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        return "import bench failed:\n" + done.stdout[-2000:] + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("rows"))
    return "\n".join(lines[head : head + 5])


def yardstick() -> str:
    """This machine's speed now, to compare runs made at different times or on different
    machines (here the same code's timings varied by up to 1.8× within an hour): the best of
    five runs of a fixed piece of Python and of a fixed query."""
    from django.db import connection

    def python_ms() -> float:
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i % 7
        return (time.perf_counter() - started) * 1000

    def sql_ms() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
            cursor.fetchone()
        return (time.perf_counter() - started) * 1000

    python = min(python_ms() for _ in range(5))
    if connection.vendor != "postgresql":
        return f"yardstick: Python loop {python:.0f} ms"
    sql = min(sql_ms() for _ in range(5))
    return f"yardstick: Python loop {python:.0f} ms, PostgreSQL series {sql:.0f} ms"


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    setup(args.database_url)
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    print(ensure_database(args.database_url, args.scale), flush=True)
    from jinguo.households.models import Household
    from jinguo.orgs.models import OrgUnit
    from jinguo.visits.models import Visit

    print(
        f"data: {OrgUnit.objects.filter(kind='grid').count():,} grids, "
        f"{Household.objects.count():,} households, {Visit.objects.count():,} visits",
        flush=True,
    )
    print(yardstick(), flush=True)
    parts = set(args.parts.split(","))
    if "dashboard" in parts:
        dashboard(args.requests)
    connection.close()
    if "lists" in parts:
        lists(args)
    if args.export_rows and "export" in parts:
        e = measure_export(args.export_rows)
        print(
            f"\n## Export: {e['rows']:,} households → xlsx_download in {e['seconds']:.2f} s, "
            f"{e['rps']:,.0f} rows/s, {e['bytes'] / 1e6:.1f} MB"
        )
    if "rounds" in parts:
        print("\n## Report rounds (in process, as county1_cadre, this year so far)", flush=True)
        from bench.rounds import measure_rounds

        print("\n".join(measure_rounds(args.round_units)), flush=True)
    if args.import_rows and "import" in parts:
        print(f"\n## Import (bench/import_households, {args.import_rows:,} rows)", flush=True)
        print(measure_import(args.import_rows, args.database_url))
    if "phone" in parts:
        print("\n## Phone (bench/phone.py: its own SQLite demo, throttled Chromium)", flush=True)
        subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "bench.phone"], cwd=ROOT, check=False
        )
    print("\n" + yardstick() + " (at the end)", flush=True)


def dashboard(requests: int) -> None:
    refresh = measure_refresh()
    print(
        f"\n## refresh_tallies: full {refresh['full']:.2f} s, incremental "
        f"{refresh['incremental']:.2f} s",
        flush=True,
    )
    print("\n## Dashboard (Django test Client, in process, DEBUG off)")
    for r in measure_dashboard(requests):
        print(
            f"{r['mode']:16} {r['user']:28} {r['page']:20} n={r['n']:<4} p50 {r['p50']:7.1f} ms  "
            f"p95 {r['p95']:7.1f} ms  max {r['max']:7.1f} ms",
            flush=True,
        )


def lists(args: argparse.Namespace) -> None:
    """The list pages against the bare view, once per connection setting: with a connection
    per request (the default) every page, the bare view included, also pays for connecting,
    which narrows the gap between them; kept connections show the pages' own cost."""
    for age in (int(v) for v in args.conn_max_age.split(",")):
        print(
            f"\n## List pages (gunicorn, {args.workers} sync workers, {args.concurrency} "
            f"keep-alive connections, {args.seconds:.0f} s each in {args.rounds} turns, as "
            f"county1_cadre, JINGUO_DB_CONN_MAX_AGE={age})",
            flush=True,
        )
        results = measure_lists(args, age)
        bare = results[0]["rps"]
        rps = {r["path"]: r["rps"] for r in results}
        for r in results:
            line = f"{r['path']:26} {r['rps']:8.1f} req/s  {100 * r['rps'] / bare:5.1f} % of bare"
            floor = rps.get(f"/bench/floor{r['path']}")
            if floor:  # what Django's ORM and templates leave of what the page could do
                line += f"  {100 * r['rps'] / floor:5.1f} % of its floor"
            print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
