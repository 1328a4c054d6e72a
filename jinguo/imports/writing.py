"""Writing a checked households roster in chunks, each committed with a checkpoint on the job.

A county's roster (a million rows, a third of a million households) is not written in one
transaction: the households, in the file's order, are written WRITE_CHUNK at a time, each chunk
in its own transaction that also saves on the job how many households are written through and
what they counted (`job.summary["writing"]`). The progress bar follows the chunks.

A job whose worker died while writing is claimed again with `resume` (jinguo/imports/running.py):
it reads and checks the whole file again, without writing — the households already written now
compare as they are — and writes only the households after the checkpoint, adding their counts
to the saved ones. Written households are therefore never written twice, and their history rows
never doubled. A file with any error still writes nothing: checking ends before the first chunk.
"""

from typing import Any

from django.db import transaction

from jinguo.imports.counts import Counts
from jinguo.imports.models import ImportJob

WRITE_CHUNK = 20_000  # households a transaction: ≈60,000 rows
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
    """Write `importer`'s checked households after the job's checkpoint, chunk by chunk; the
    counts of the whole file (the chunks written before a restart included)."""
    households: dict[str, Any] = importer.households
    numbers = list(households)
    saved = job.checkpoint
    start = int(saved.get("written", 0)) if saved.get("households") == len(numbers) else 0
    total = _saved_counts(saved) if start else {}
    try:
        for first in range(start, len(numbers), WRITE_CHUNK):
            chunk = numbers[first : first + WRITE_CHUNK]
            importer.households = {number: households[number] for number in chunk}
            with transaction.atomic():
                counts = importer.write()
                _add(total, counts)
                done = first + len(chunk)
                job.summary = {
                    CHECKPOINT: {
                        "written": done,
                        "households": len(numbers),
                        "counts": {name: c.as_dict() for name, c in total.items()},
                    }
                }
                ImportJob.objects.filter(pk=job.pk).update(summary=job.summary)
            for household in importer.households.values():
                household.members.clear()  # written: let the chunk's rows go
    finally:
        importer.households = households
    if not numbers or start >= len(numbers):  # nothing left to write: the counts as saved
        return total or importer.write()
    return total
