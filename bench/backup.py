"""`jinguo backup` and `jinguo restore` at county scale against pg_dump and pg_restore.

    .venv/bin/python -m bench.backup [--scale county|town] [--repeat N] [--keep] [--reuse]
        [--server postgres://postgres@127.0.0.1:5432]

Issue 27, part 6. Two source databases filled by `jinguo generate --scale` (PostgreSQL
`jinguo_bench_bk_src` and a SQLite file under bench/out/backup/), each copied from a migrated,
empty template of its kind (`createdb -T`, a file copy), as is every restore target. Each
operation runs in a fresh process, timed from outside, its peak resident set taken from
`wait4` (the process and the children it waited for; the PostgreSQL server's own memory is not
in it). Floors measured in the same run: `pg_dump -Fc` of the PostgreSQL source for the backups,
`pg_restore` of that dump into a new empty database (and with `-j 2`) for the restores.
Never part of the test suite: it takes minutes and measures this machine.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "backup"
PREFIX = "jinguo_bench_bk"
# What `jinguo backup -v 2` and `jinguo restore` print: a line per table, then the total.
TABLE_LINE = re.compile(r"^\s+(\S+)\s+([\d,]+) 行\s+([\d.]+) 秒", re.MULTILINE)
TOTAL_ROWS = re.compile(r"张数据表，([\d,]+) 行")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.backup", description=__doc__)
    parser.add_argument("--scale", choices=["county", "town"], default="county")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each operation (1)")
    parser.add_argument(
        "--keep", action="store_true", help="leave the databases and files in place"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the sources and templates a --keep run left instead of generating them",
    )
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="the PostgreSQL server (its user needs CREATEDB)",
    )
    return parser.parse_args(argv)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


@dataclass
class Measure:
    name: str
    kind: str  # "backup", "restore", "start"
    floor: bool = False
    file: Path | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)

    @property
    def rows(self) -> int:
        found = TOTAL_ROWS.search(self.runs[0].output) if self.runs else None
        return int(found.group(1).replace(",", "")) if found else 0


class Server:
    """The PostgreSQL server: URLs of its databases and its client programs' arguments."""

    def __init__(self, url: str) -> None:
        self.base = url.rstrip("/")
        parts = urlsplit(self.base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = str(parts.port or 5432)
        self.user = parts.username or "postgres"
        self.env = {**os.environ}
        if parts.password:
            self.env["PGPASSWORD"] = parts.password

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def tool(self, program: str, *args: str) -> list[str]:
        return [program, "-h", self.host, "-p", self.port, "-U", self.user, *args]

    def call(self, program: str, *args: str) -> None:
        done = subprocess.run(  # noqa: S603 (PostgreSQL's own client programs)
            self.tool(program, *args), env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"{program} failed: {done.stderr}")

    def exists(self, name: str) -> bool:
        query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608 (ours)
        done = subprocess.run(  # noqa: S603 (psql, our own query)
            self.tool("psql", "-d", "postgres", "-Atc", query),
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip() == "1"

    def fresh(self, name: str, template: str = "") -> None:
        self.call("dropdb", "--if-exists", name)
        self.call("createdb", *(["-T", template] if template else []), name)


def jinguo_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "JINGUO_DEBUG": "true",  # generated data under the development keys
        "DATABASE_URL": database_url,
        "JINGUO_MEDIA_ROOT": str(OUT / "media"),
        "JINGUO_LOG_LEVEL": "WARNING",
    }


def jinguo(*args: str) -> list[str]:
    return [sys.executable, "-m", "jinguo", *args]


def timed(command: list[str], env: dict[str, str], log: Path) -> Run:
    """Run `command` in a fresh process: wall seconds, its peak RSS, what it printed."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own commands and PostgreSQL's)
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    output = log.read_text(errors="replace")
    if process.returncode:
        sys.stderr.write(output[-4000:])
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return Run(seconds, usage.ru_maxrss / 1024, output)  # ru_maxrss: kilobytes on Linux


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass
class Sources:
    server: Server
    pg_source: str = f"{PREFIX}_src"
    pg_template: str = f"{PREFIX}_tmpl"
    pg_target: str = f"{PREFIX}_r"
    pg_floor: str = f"{PREFIX}_floor"
    sqlite_source: Path = OUT / "src.sqlite3"
    sqlite_template: Path = OUT / "template.sqlite3"
    sqlite_target: Path = OUT / "restore.sqlite3"

    def databases(self) -> list[str]:
        return [self.pg_source, self.pg_template, self.pg_target, self.pg_floor]

    def files(self) -> list[Path]:
        return [self.sqlite_source, self.sqlite_template, self.sqlite_target]


def prepare(sources: Sources, scale: str, reuse: bool) -> None:
    """Migrated templates, and the sources generated from copies of them."""
    server = sources.server
    if reuse and server.exists(sources.pg_source) and sources.sqlite_source.exists():
        print("reusing the sources and templates of an earlier --keep run", flush=True)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("PostgreSQL template: createdb + migrate", lambda: _pg_template(sources)),
        ("SQLite template: migrate", lambda: _sqlite_template(sources)),
        (f"PostgreSQL source: createdb -T + generate --scale {scale}", lambda: _pg(sources, scale)),
        (f"SQLite source: copy + generate --scale {scale}", lambda: _sqlite(sources, scale)),
    ]
    for name, step in steps:
        started = time.perf_counter()
        print(f"{name} …", end=" ", flush=True)
        step()
        print(f"{time.perf_counter() - started:.0f} s", flush=True)


def _pg_template(sources: Sources) -> None:
    sources.server.fresh(sources.pg_template)
    env = jinguo_env(sources.server.url(sources.pg_template))
    timed(jinguo("migrate", "-v", "0"), env, OUT / "migrate-pg.log")


def _sqlite_template(sources: Sources) -> None:
    sources.sqlite_template.unlink(missing_ok=True)
    env = jinguo_env(sqlite_url(sources.sqlite_template))
    timed(jinguo("migrate", "-v", "0"), env, OUT / "migrate-sqlite.log")


def _pg(sources: Sources, scale: str) -> None:
    sources.server.fresh(sources.pg_source, sources.pg_template)
    env = jinguo_env(sources.server.url(sources.pg_source))
    timed(jinguo("generate", "--scale", scale), env, OUT / "generate-pg.log")


def _sqlite(sources: Sources, scale: str) -> None:
    shutil.copyfile(sources.sqlite_template, sources.sqlite_source)
    env = jinguo_env(sqlite_url(sources.sqlite_source))
    timed(jinguo("generate", "--scale", scale), env, OUT / "generate-sqlite.log")


def measures(sources: Sources) -> list[tuple[Measure, Callable[[Measure], Run]]]:
    """Each operation and how to run it once (its target made fresh first, untimed)."""
    server = sources.server
    dump, pg_archive, sqlite_archive = OUT / "pg.dump", OUT / "pg.jgbk", OUT / "sqlite.jgbk"
    pg_source_env = jinguo_env(server.url(sources.pg_source))
    pg_target_env = jinguo_env(server.url(sources.pg_target))
    sqlite_target_env = jinguo_env(sqlite_url(sources.sqlite_target))

    def start(m: Measure) -> Run:
        return timed(jinguo("check"), pg_source_env, OUT / "check.log")

    def pg_dump(m: Measure) -> Run:
        command = server.tool("pg_dump", "-Fc", "-f", str(dump), sources.pg_source)
        return timed(command, server.env, OUT / "pg_dump.log")

    def pg_restore(jobs: int) -> Callable[[Measure], Run]:
        def run(m: Measure) -> Run:
            server.fresh(sources.pg_floor)
            command = server.tool("pg_restore", "-j", str(jobs), "-d", sources.pg_floor, str(dump))
            return timed(command, server.env, OUT / f"pg_restore-{jobs}.log")

        return run

    def backup(env: dict[str, str], archive: Path) -> Callable[[Measure], Run]:
        def run(m: Measure) -> Run:
            return timed(jinguo("backup", str(archive), "-v", "2"), env, OUT / f"{m.name}.log")

        return run

    def restore(archive: Path, into: str) -> Callable[[Measure], Run]:
        def run(m: Measure) -> Run:
            shutil.rmtree(OUT / "media", ignore_errors=True)
            if into == "postgresql":
                server.fresh(sources.pg_target, sources.pg_template)
                env = pg_target_env
            else:
                shutil.copyfile(sources.sqlite_template, sources.sqlite_target)
                env = sqlite_target_env
            log = OUT / f"{m.name.replace(' ', '_').replace('→', 'to')}.log"
            return timed(jinguo("restore", str(archive)), env, log)

        return run

    sqlite_source_env = jinguo_env(sqlite_url(sources.sqlite_source))
    return [
        (Measure("jinguo check (start-up)", "start"), start),
        (Measure("pg_dump -Fc", "backup", floor=True, file=dump), pg_dump),
        (Measure("pg_restore", "restore", floor=True), pg_restore(1)),
        (Measure("pg_restore -j 2", "restore"), pg_restore(2)),
        (
            Measure("backup PostgreSQL", "backup", file=pg_archive),
            backup(pg_source_env, pg_archive),
        ),
        (Measure("restore PG → PG", "restore"), restore(pg_archive, "postgresql")),
        (
            Measure("backup SQLite", "backup", file=sqlite_archive),
            backup(sqlite_source_env, sqlite_archive),
        ),
        (Measure("restore SQLite → SQLite", "restore"), restore(sqlite_archive, "sqlite")),
        (Measure("restore SQLite → PG", "restore"), restore(sqlite_archive, "postgresql")),
        (Measure("restore PG → SQLite", "restore"), restore(pg_archive, "sqlite")),
    ]


def phases(measure: Measure) -> str:
    """Where a jinguo command's time went: its tables (the three slowest) and the rest (start,
    checks, sequences, the read-back and checksums of every table, the commit)."""
    found = [
        (name, int(rows.replace(",", "")), float(seconds))
        for name, rows, seconds in TABLE_LINE.findall(measure.runs[0].output)
    ]
    if not found:
        return ""
    in_tables = sum(s for _n, _r, s in found)
    slowest = sorted(found, key=lambda t: -t[2])[:3]
    return (
        f"  {measure.name}: tables {in_tables:.1f} s ("
        + ", ".join(f"{n} {r:,} rows {s:.1f} s" for n, r, s in slowest)
        + f"); the rest {measure.runs[0].seconds - in_tables:.1f} s"
    )


def report(done: list[Measure]) -> str:
    by_name = {m.name: m for m in done}
    dump, floor_restore = by_name["pg_dump -Fc"], by_name["pg_restore"]
    rows = by_name["backup PostgreSQL"].rows
    dump_size = dump.file.stat().st_size if dump.file and dump.file.exists() else 0
    repeat = len(done[0].runs)
    seconds_head = "s (min / median)" if repeat > 1 else "s"
    lines = [
        f"| operation | rows | {seconds_head} | rows/s | × floor | peak RSS MB | file MB "
        "| × pg_dump size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in done:
        seconds = f"{m.best:.1f}" + (f" / {m.median:.1f}" if repeat > 1 else "")
        if m.kind == "start":  # no rows: what every command below pays before its work
            lines.append(f"| {m.name} | — | {seconds} | — | — | {m.peak_mb:,.0f} | | |")
            continue
        count = m.rows or rows  # pg_dump and pg_restore: the PostgreSQL source's rows
        floor = dump if m.kind == "backup" else floor_restore
        size = m.file.stat().st_size if m.file and m.file.exists() else 0
        lines.append(
            f"| {m.name} | {count:,} | {seconds} | {count / m.best:,.0f} | "
            f"{m.best / floor.best:.2f} | {m.peak_mb:,.0f} | "
            + (f"{size / 1e6:,.2f} | {size / dump_size:.2f}" if size and dump_size else "| ")
            + " |"
        )
    notes = [phases(m) for m in done if m.kind != "start" and not m.name.startswith("pg_")]
    return "\n".join([*lines, "", "Phases (first run):", *[n for n in notes if n]])


def clean(sources: Sources) -> None:
    for name in sources.databases():
        sources.server.call("dropdb", "--if-exists", name)
    shutil.rmtree(OUT, ignore_errors=True)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    sources = Sources(Server(args.server))
    started = time.perf_counter()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; scale {args.scale}")
    prepare(sources, args.scale, args.reuse)
    todo = measures(sources)
    for turn in range(args.repeat):  # each operation in turn, so a slow spell hits them all
        for measure, run in todo:
            print(f"[{turn + 1}/{args.repeat}] {measure.name} …", end=" ", flush=True)
            measure.runs.append(run(measure))
            print(f"{measure.runs[-1].seconds:.1f} s", flush=True)
    print()
    print(report([m for m, _run in todo]))
    load = os.getloadavg()
    print(f"\nload at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; ", end="")
    print(f"whole run {time.perf_counter() - started:.0f} s")
    if args.keep:
        print(f"kept: databases {', '.join(sources.databases())}; files in {OUT}")
    else:
        clean(sources)


if __name__ == "__main__":
    main(sys.argv[1:])
