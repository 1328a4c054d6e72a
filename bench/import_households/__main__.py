"""Benchmark of the households roster import against django-import-export and the raw limit.

    .venv/bin/python -m bench.import_households [--rows 100000] [--database-url postgres://…]

See bench/README.md. Never part of the test suite: it takes minutes and measures this machine.
"""

import argparse
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as `python bench/import_households`
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/import_households", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="roster rows (default 100000)")
    parser.add_argument(
        "--die-rows",
        type=int,
        default=5_000,
        help="rows django-import-export imports: a sample, it is too slow for the whole file "
        "(default 5000; 0 for all rows)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL server to measure on instead of a temporary SQLite file, e.g. "
        "postgres://postgres@127.0.0.1:5432/postgres (a fresh database is created and dropped "
        "for each contender)",
    )
    parser.add_argument("--only", choices=["ours", "die", "raw"], action="append")
    parser.add_argument("--profile", action="store_true", help="cProfile our import")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def roster(rows: int, seed: int) -> Path:
    from bench.import_households.generate import write

    path = OUT / f"roster-{rows}-{seed}.xlsx"
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} …", flush=True)
        write(path, rows, seed)
    return path


def _database(url: str, name: str) -> tuple[str, Any]:
    """A fresh database for one contender: SQLite in the worker's temporary folder, or a new
    PostgreSQL database (dropped afterwards)."""
    if not url:
        return "sqlite", None
    import psycopg

    base, _slash, _db = url.rpartition("/")
    database = f"jinguo_bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    return f"{base}/{database}", drop


def run_worker(name: str, path: Path, url: str, profile: Path | None) -> list[dict[str, Any]]:
    return run_worker_module("bench.import_households.worker", name, path, url, profile)


def run_worker_module(
    module: str, name: str, path: Path, url: str, profile: Path | None
) -> list[dict[str, Any]]:
    """Run `python -m module name path database [profile]` on a fresh database: its results.
    bench.import_county takes `--worker` before the arguments."""
    database, drop = _database(url, name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JINGUO_LOG_LEVEL": "WARNING"}
    flag = ["--worker"] if module == "bench.import_county" else []
    command = [sys.executable, "-m", module, *flag, name, str(path), database]
    command.append(str(profile) if profile else "")
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
    finally:
        if drop:
            drop()
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{name} failed")
    return [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]


def table(results: list[dict[str, Any]]) -> str:
    die = next((r for r in results if r["name"] == "django-import-export"), None)
    raw = next((r for r in results if r["name"].startswith("raw limit")), None)
    head = (
        f"{'':38} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'×DIE':>7} {'% raw':>7} {'peak MB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        rate = r["rows"] / r["seconds"]
        times = f"{rate / (die['rows'] / die['seconds']):.1f}×" if die else "—"
        share = f"{100 * rate / (raw['rows'] / raw['seconds']):.0f}%" if raw else "—"
        lines.append(
            f"{r['name']:38} {r['rows']:>8} {r['seconds']:>8.2f} {rate:>9.0f} {times:>7} "
            f"{share:>7} {r['peak_mb']:>8.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    full = roster(args.rows, args.seed)
    die_rows = args.die_rows if 0 < args.die_rows < args.rows else args.rows
    sample = roster(die_rows, args.seed) if die_rows != args.rows else full
    wanted = args.only or ["raw", "ours", "die"]
    engine = "PostgreSQL" if args.database_url else "SQLite (temporary file)"
    print(f"database: {engine}; roster: {full.name}", flush=True)
    results: list[dict[str, Any]] = []
    profile = OUT / "profile-ours.txt" if args.profile else None
    for name in wanted:
        print(f"running {name} …", flush=True)
        results += run_worker(name, sample if name == "die" else full, args.database_url, profile)
    print()
    print(table(results))
    print()
    print("rows/s: data rows imported per second of wall time, reading the file included.")
    print("peak MB: ru_maxrss (peak resident set) of the contender's whole worker process —")
    print("Python, Django, the migrated database set-up and the import.")
    if die_rows != args.rows and "die" in wanted:
        print(f"django-import-export ran on the first {die_rows} rows (same generator, same seed).")
    for r in results:
        if r.get("note"):
            print(f"{r['name']}: {r['note']}")
    if profile:
        print(f"profile: {profile.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
