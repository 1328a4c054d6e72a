"""A whole county's roster through the real import job: rows/s, seconds, peak memory, phases.

    .venv/bin/python -m bench.import_county [--rows 1000000] [--database-url postgres://…]

Issue 26, part 3: a roster of 1,000,000 rows (≈330,000 households) imports in < 5 minutes with
< 500 MB of memory. The roster is bench/import_households's generator (≈3 residents a household
over 50 grids, `bench/out/roster-<rows>-<seed>.xlsx`, kept for the next run). Two processes, each
on a fresh database (bench/import_households/worker.py's set-up and tree):
- the raw floor: calamine reads the file, one executemany inserts every row as text;
- ours: the file uploaded (stored encrypted) and previewed for the mapping step in the worker
  process, as the web request and the preview task do; then `import_job_run` on the job in a
  fresh process, as a Celery worker process picks the task up (settings
  CELERY_WORKER_MAX_MEMORY_PER_CHILD replaces a worker process grown by an earlier task), timed
  by phase (read + check: the child reader and every row checked; write: the file read again
  and written in chunks), with the progress updates it saves, the peak resident set of the
  process in each phase (sampled every 20 ms) and of its children (the workbook reader,
  jinguo/common/workbook_child.py).
Never part of the test suite: it takes minutes and measures this machine.
"""

import argparse
import itertools
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/import_county.py`
    sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/import_county", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="roster rows (1000000)")
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL server instead of a temporary SQLite file (a fresh database is "
        "created and dropped for each process)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile our import")
    parser.add_argument("--skip-raw", action="store_true", help="do not measure the raw floor")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def _mb(kilobytes: int) -> float:
    return kilobytes / 1024  # ru_maxrss is in kilobytes on Linux


def _previewed_job(path: Path) -> tuple[Any, float, float]:
    """A job for the file, through the mapping step as a web upload takes it: the preview reads
    the whole file once (header, samples, every distinct grid, category and executive). The job
    is then queued to run afresh. (job, the preview's seconds, peak RSS after it in MB)."""
    from django.core.files import File

    from jinguo.accounts.models import User
    from jinguo.imports import preview
    from jinguo.imports.models import ImportJob

    user = User.objects.get(username="bench")
    with path.open("rb") as handle:
        job = ImportJob(
            kind="households",
            org=user.org,
            created_by=user,
            original_name=path.name,
            status=ImportJob.Status.PREVIEWING,
        )
        job.file.save(path.name, File(handle), save=True)
    previewed = time.perf_counter()
    preview.import_job_preview(job_id=job.pk)
    preview_seconds = time.perf_counter() - previewed
    job.refresh_from_db()
    if job.status != ImportJob.Status.MAPPING:
        raise SystemExit(f"preview ended {job.status}: {job.message}")
    preview_mb = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    return job, preview_seconds, preview_mb


class _Phases:
    """The peak resident set of this process in each phase, sampled every 20 ms."""

    def __init__(self) -> None:
        import threading

        self.now = "start"
        self.peaks: dict[str, float] = {}
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        import os

        page = os.sysconf("SC_PAGE_SIZE")
        while True:
            with open("/proc/self/statm") as statm:
                rss = int(statm.read().split()[1]) * page / 2**20
            self.peaks[self.now] = max(self.peaks.get(self.now, 0.0), rss)
            time.sleep(0.02)


def preview_job(path: Path) -> dict[str, Any]:
    """In the worker process, after set-up: the upload and its preview; the job's id."""
    job, preview_seconds, preview_mb = _previewed_job(path)
    return {"job": job.pk, "preview": preview_seconds, "preview_mb": preview_mb}


def run_job(job_id: int, profile: Path | None) -> dict[str, Any]:
    """In a fresh process: one import job, timed by phase."""

    from jinguo.imports import households, running
    from jinguo.imports.models import ImportJob

    phases = _Phases()
    marks: dict[str, float] = {}
    updates: list[tuple[float, int]] = []
    check, write, progress, reading = (
        households.HouseholdImport.check,
        households.HouseholdImport.write,
        running._progress,
        running._reading,
    )

    def timed_check(self: Any) -> Any:
        marks["check_started"] = time.perf_counter()
        phases.now = "check"
        try:
            return check(self)
        finally:
            marks["checked"] = time.perf_counter()
            phases.now = "write"

    def timed_write(self: Any, chunk: Any) -> Any:  # once a chunk (imports.writing)
        marks.setdefault("write_started", time.perf_counter())
        try:
            return write(self, chunk)
        finally:
            updates.append((time.perf_counter(), -1))  # the chunk's checkpoint follows

    def noted_progress(job: Any, rows: int) -> None:
        updates.append((time.perf_counter(), rows))
        progress(job, rows)

    def noted_reading(job: Any, read: int, rows: int) -> None:
        updates.append((time.perf_counter(), -2))  # the reader's progress
        reading(job, read, rows)

    households.HouseholdImport.check = timed_check  # type: ignore[method-assign]
    households.HouseholdImport.write = timed_write  # type: ignore[method-assign]
    running._progress = noted_progress
    running._reading = noted_reading
    phases.now = "read"
    started = time.perf_counter()
    if profile is not None:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(running.import_job_run, job_id=job_id)
        with profile.open("w") as out:
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(70)
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(50)
    else:
        running.import_job_run(job_id=job_id)
    ended = time.perf_counter()
    job = ImportJob.objects.get(pk=job_id)
    if job.status != "done":
        raise SystemExit(f"job ended {job.status}: {job.message}")
    times = [started, *(t for t, _rows in updates), ended]
    return {
        "name": "ours (import_job_run)",
        "rows": job.processed_rows,
        "seconds": ended - started,
        "read_check": marks["checked"] - started,
        "write": ended - marks.get("write_started", marks["checked"]),
        "peak_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "phase_mb": {name: round(mb) for name, mb in phases.peaks.items()},
        "child_peak_mb": _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
        "progress_updates": sum(1 for _t, rows in updates if rows >= 0),
        "reading_updates": sum(1 for _t, rows in updates if rows == -2),
        "chunks": sum(1 for _t, rows in updates if rows == -1),
        "longest_still": max(b - a for a, b in itertools.pairwise(times)),
        "note": job.message,
    }


def worker(argv: list[str]) -> None:
    import os
    import subprocess

    from bench.import_households.worker import build_tree, run_raw, setup

    kind, path, database_url = argv[0], Path(argv[1]), argv[2]
    profile = argv[3] if len(argv) > 3 else ""
    with tempfile.TemporaryDirectory(prefix="jinguo-county-") as tmp:
        if database_url == "sqlite":
            database_url = f"sqlite:///{tmp}/bench.sqlite3"
        media = Path(tmp) / "media"
        setup(database_url, media)
        build_tree()
        if kind == "raw":
            result = run_raw(path)[0]
            result["peak_mb"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        else:
            result = preview_job(path)
            from django.db import connections

            connections.close_all()
            done = subprocess.run(  # noqa: S603 (our own interpreter and module)
                [
                    sys.executable,
                    "-m",
                    "bench.import_county",
                    "--job",
                    str(result["job"]),
                    database_url,
                    str(media),
                    profile,
                ],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
                check=False,
            )
            lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
            if done.returncode or not lines:
                sys.stderr.write(done.stdout + done.stderr)
                raise SystemExit("the import process failed")
            result.update(json.loads(lines[0][7:]))
        from django.db import connections

        connections.close_all()
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def job_process(argv: list[str]) -> None:
    """`--job ID DATABASE MEDIA [PROFILE]`: the import of a previewed job, in this process."""
    import os

    import django

    from config.env import DEVELOPMENT_SECRETS

    os.environ["DATABASE_URL"] = argv[1]
    os.environ["JINGUO_MEDIA_ROOT"] = argv[2]
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # As production runs it: DEBUG off (with DEBUG on, Django keeps the last 9,000 queries'
    # SQL: ≈200 MB of IN lists here). The keys are those the set-up stored the upload with.
    os.environ["JINGUO_DEBUG"] = "false"
    os.environ.update(DEVELOPMENT_SECRETS)
    django.setup()
    profile = Path(argv[3]) if len(argv) > 3 and argv[3] else None
    result = run_job(int(argv[0]), profile)
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def report(raw: dict[str, Any] | None, ours: dict[str, Any]) -> str:
    rate = ours["rows"] / ours["seconds"]
    lines = [
        f"rows {ours['rows']:,}; total {ours['seconds']:.1f} s; {rate:,.0f} rows/s",
        f"  mapping step (preview of the whole file) {ours.get('preview', 0):.1f} s, "
        f"peak RSS of the process that stored the upload and previewed it "
        f"{ours.get('preview_mb', 0):.0f} MB",
        f"  read + check {ours['read_check']:.1f} s; write {ours['write']:.1f} s",
        f"  peak RSS of the import's process {ours['peak_mb']:.0f} MB (by phase: "
        + ", ".join(f"{k} {v} MB" for k, v in ours.get("phase_mb", {}).items())
        + f"); workbook reader (child) {ours['child_peak_mb']:.0f} MB",
        f"  progress: {ours.get('reading_updates', 0)} while reading, "
        f"{ours['progress_updates']} updates while checking, "
        f"{ours.get('chunks', 0)} chunks written; "
        f"longest stretch without one {ours['longest_still']:.1f} s",
    ]
    if raw is not None:
        floor = raw["rows"] / raw["seconds"]
        lines += [
            f"raw floor (calamine + executemany): {raw['seconds']:.1f} s; {floor:,.0f} rows/s "
            f"(read {raw.get('read_seconds', 0):.1f} s); peak {raw['peak_mb']:.0f} MB",
            f"  ours: {100 * rate / floor:.0f} % of the floor's rows/s; total "
            f"{ours['seconds'] / raw['seconds']:.1f}× the floor's time; "
            f"read + check {ours['read_check'] / raw['seconds']:.1f}×, "
            f"write {ours['write'] / raw['seconds']:.1f}×",
        ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    from bench.import_households.__main__ import OUT, roster, run_worker_module

    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    path = roster(args.rows, args.seed)
    engine = "PostgreSQL" if args.database_url else "SQLite (temporary file)"
    print(f"database: {engine}; roster: {path.name}", flush=True)
    profile = OUT / f"profile-county-{args.rows}.txt" if args.profile else None
    raw = None
    if not args.skip_raw:
        print("running the raw floor …", flush=True)
        raw = run_worker_module("bench.import_county", "raw", path, args.database_url, None)[0]
    print("running ours …", flush=True)
    ours = run_worker_module("bench.import_county", "ours", path, args.database_url, profile)[0]
    print()
    print(report(raw, ours))
    if ours.get("note"):
        print(f"job: {ours['note']}")
    if profile:
        print(f"profile: {profile.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2:])
    elif sys.argv[1:2] == ["--job"]:
        job_process(sys.argv[2:])
    else:
        main(sys.argv[1:])
