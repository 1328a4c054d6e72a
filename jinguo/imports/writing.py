"""Writing a checked households roster in chunks, each committed with a checkpoint on the job.

A county's roster (a million rows, a third of a million households) is not written in one
transaction: the households, in the file's order, are written WRITE_CHUNK at a time, each chunk
in its own transaction that also saves on the job how many households are written through and
what they counted (`job.summary["writing"]`). The progress bar follows the chunks.

Checking keeps no member of any household (a county's million rows would not fit in a worker's
memory): writing reads the rows again (the reader's output is kept for it), and each household
is written once its last row is read (HouseholdImport.complete), its members let go once its
chunk is committed.

A job whose worker died while writing is claimed again with `resume` (jinguo/imports/running.py):
it reads and checks the whole file again, without writing — the households already written now
compare as they are — and writes only the households after the checkpoint, adding their counts
to the saved ones. Written households are therefore never written twice, and their history rows
never doubled. A file with any error still writes nothing: checking ends before the first chunk.
"""

from typing import Any

from django.db import connection, transaction

from jinguo.imports.counts import Counts
from jinguo.imports.models import ImportJob

WRITE_CHUNK = 2_000  # households a transaction: ≈6,000 rows, ≈30 MB to write them
CHECKPOINT = "writing"  # the key of job.summary ImportJob.checkpoint reads


def _add(total: dict[str, Counts], counts: dict[str, Counts]) -> None:
    for name, c in counts.items():
        into = total.setdefault(name, Counts())
        into.created += c.created
        into.updated += c.updated
        into.unchanged += c.unchanged


def _saved_counts(saved: dict[str, Any]) -> dict[str, Counts]:
    return {name: Counts(**c) for name, c in (saved.get("counts") or {}).items()}


def write_chunked(job: ImportJob, importer: Any) -> dict[str, Counts]:
    """Write `importer`'s checked households after the job's checkpoint, chunk by chunk, each
    read from the file again with its members (HouseholdImport.complete, which hands households
    out in the same order every time); the counts of the whole file (the chunks written before a
    restart included)."""
    count = len(importer.households)
    saved = job.checkpoint
    start = int(saved.get("written", 0)) if saved.get("households") == count else 0
    total = _saved_counts(saved) if start else {}
    if start >= count:  # nothing left to write: the counts as saved
        return total or importer.write([])
    done = 0
    chunk: list[Any] = []
    for household in importer.complete():
        done += 1
        if done <= start:  # written before the restart
            household.let_go()
            continue
        chunk.append(household)
        if len(chunk) == WRITE_CHUNK or done == count:
            _write(job, importer, chunk, total, done=done, count=count)
            chunk = []
    return total


def _asynchronous_commit() -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk (a
    chunk is tens of megabytes of WAL; 0.1–0.3 s a commit here). Safe for a chunk: a crash can
    only lose the last chunks committed, never corrupt them, and each chunk commits with its
    own checkpoint, so a resumed job writes exactly the chunks lost again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _write(
    job: ImportJob,
    importer: Any,
    chunk: list[Any],
    total: dict[str, Counts],
    *,
    done: int,
    count: int,
) -> None:
    """One chunk and its checkpoint, in one transaction; then its members let go."""
    with transaction.atomic():
        _asynchronous_commit()
        _add(total, importer.write(chunk))
        job.summary = {
            CHECKPOINT: {
                "written": done,
                "households": count,
                "counts": {name: c.as_dict() for name, c in total.items()},
            }
        }
        ImportJob.objects.filter(pk=job.pk).update(summary=job.summary)
    for household in chunk:
        household.let_go()
