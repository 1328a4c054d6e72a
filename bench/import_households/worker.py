"""One contender of the benchmark, run in its own process so that its peak memory is its own.

Each worker migrates a fresh database, builds the same organisation tree (a township with 10
villages of 5 grids, two executives assigned to each grid) and a cadre, then times only the
import itself.
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def setup(database_url: str, media: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["JINGUO_MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("JINGUO_DEBUG", "true")  # a scratch database: development keys
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_tree() -> Any:
    import datetime as dt

    from bench.import_households.generate import (
        EXECUTIVES_PER_GRID,
        GRIDS_PER_VILLAGE,
        VILLAGES,
        executive_name,
        grid_code,
        village_code,
    )
    from jinguo.accounts.models import User
    from jinguo.households.models import GridAssignment
    from jinguo.orgs.kinds import Kind
    from jinguo.orgs.services import org_create
    from jinguo.people.models import Person

    city = org_create(actor=None, parent=None, name="宣城市", kind=Kind.CITY, code="341800000000")
    county = org_create(
        actor=None, parent=city, name="宁国市", kind=Kind.COUNTY, code="341881000000"
    )
    township = org_create(
        actor=None, parent=county, name="河沥溪街道", kind=Kind.TOWNSHIP, code="341881001000"
    )
    user = User.objects.create_user(
        "bench", "Bench@2026x", role=User.Role.CADRE, org=township, full_name="基准测试"
    )
    start = dt.date(2024, 1, 1)
    for v in range(VILLAGES):
        village = org_create(
            actor=user,
            parent=township,
            name=f"第{v + 1}村",
            kind=Kind.VILLAGE,
            code=village_code(v),
        )
        for g in range(GRIDS_PER_VILLAGE):
            grid = org_create(
                actor=user,
                parent=village,
                name=f"第{v + 1}村{g + 1}组网格",
                kind=Kind.GRID,
                code=grid_code(v, g),
            )
            for e in range(EXECUTIVES_PER_GRID):
                person = Person.objects.create(org=grid, name=executive_name(v, g, e), gender="F")
                GridAssignment.objects.create(executive=person, grid=grid, start_date=start)
    return user, township


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak resident set of this whole process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(path: Path, user: Any, root: Any, profile: Path | None) -> list[dict[str, Any]]:
    from django.core.files import File

    from jinguo.imports.models import ImportJob
    from jinguo.imports.running import import_job_run

    results = []
    for label in ("ours", "ours, same file again"):
        with path.open("rb") as handle:
            job = ImportJob(kind="households", org=root, created_by=user, original_name=path.name)
            job.file.save(path.name, File(handle), save=True)
        started = time.perf_counter()
        if profile is not None and label == "ours":
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            import_job_run(job_id=job.pk)
            profiler.disable()
            with profile.open("w") as out:
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
        else:
            import_job_run(job_id=job.pk)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != "done":
            raise SystemExit(f"{label}: job ended {job.status}: {job.message}")
        results.append(
            {
                "name": label,
                "rows": job.processed_rows,
                "seconds": seconds,
                "peak_mb": peak_mb(),
                "note": job.message,
            }
        )
    return results


def run_die(path: Path, root: Any) -> list[dict[str, Any]]:
    import tablib

    from bench.import_households.die import ResidentResource

    started = time.perf_counter()
    with path.open("rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    result = ResidentResource(root=root).import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("django-import-export reported errors")
    return [
        {
            "name": "django-import-export",
            "rows": len(dataset),
            "seconds": seconds,
            "peak_mb": peak_mb(),
            "note": "",
        }
    ]


def run_raw(path: Path) -> list[dict[str, Any]]:
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    key = "id INTEGER PRIMARY KEY" if connection.vendor == "sqlite" else "id BIGSERIAL PRIMARY KEY"
    with connection.cursor() as cursor:
        columns = ", ".join(f"c{i} TEXT" for i in range(14))
        cursor.execute(f"CREATE TABLE bench_raw ({key}, {columns})")
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    next(rows)  # the header
    values = [tuple(str(v) for v in row[:14]) for row in rows]
    read = time.perf_counter() - started
    marks = ", ".join(["%s"] * 14)
    names = ", ".join(f"c{i}" for i in range(14))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO bench_raw ({names}) VALUES ({marks})", values)  # noqa: S608
    seconds = time.perf_counter() - started
    return [
        {
            "name": "raw limit (calamine + executemany)",
            "rows": len(values),
            "seconds": seconds,
            "read_seconds": read,
            "peak_mb": peak_mb(),
            "note": "",
        }
    ]


def main(argv: list[str]) -> None:
    name, path, database_url = argv[0], Path(argv[1]), argv[2]
    profile = Path(argv[3]) if len(argv) > 3 and argv[3] else None
    with tempfile.TemporaryDirectory(prefix="jinguo-bench-") as tmp:
        if database_url == "sqlite":
            database_url = f"sqlite:///{tmp}/bench.sqlite3"
        setup(database_url, Path(tmp) / "media")
        user, root = build_tree()
        if name == "ours":
            results = run_ours(path, user, root, profile)
        elif name == "die":
            results = run_die(path, root)
        else:
            results = run_raw(path)
        from django.db import connections

        connections.close_all()
    for result in results:
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
