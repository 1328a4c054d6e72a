"""The preview of a web upload: its columns and the values it writes, for the user to confirm.

Run in the background task before the import proper (status previewing → mapping). Never
refuses a header: the best candidate sheet.find_layout finds, or the first non-blank row. The
file is read once; what is kept is a few samples per column and, for the value fields, a count
of distinct values (not the rows).

job.preview:
    {
        "header_rows": [2], "data_start": 3, "first_column": 0, "rows": 120,
        "columns": [
            {"index": 0, "header": "户主姓名", "samples": ["汪秀兰", …],
             "suggested": "name", "source": "saved" | "dictionary" | ""},
            …
        ],
        "values": {   # households only: grid, living_grid, categories, executive
            "grid": {"column": 1, "more": 0, "items": [
                {"raw": "巫山", "count": 12, "suggested": 34, "source": "dictionary"}, …]},
            …
        },
    }
Samples of ID and phone numbers are masked (people.masking), birth dates shown to the year.
"""

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from jinguo.common.jobs import TRANSIENT
from jinguo.households.models import Category
from jinguo.imports import cells, matching
from jinguo.imports.household_executives import ExecutiveResolver
from jinguo.imports.household_state import category_lookup
from jinguo.imports.models import ImportJob, ImportMapping
from jinguo.imports.running import FILE_LANGUAGE, IMPORTERS, transition, uploaded
from jinguo.imports.scope import ImportScope
from jinguo.imports.sheet import FileError, Sheet, header_token, is_blank, open_sheet
from jinguo.people.masking import mask_id, mask_phone

logger = logging.getLogger(__name__)

SAMPLES = 3
SAMPLE_LENGTH = 40
MAX_VALUES = 200  # unmatched values listed per field, the most frequent first
VALUE_FIELDS = ("grid", "living_grid", "categories", "executive")
_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^[\d\-+() ]{7,}$")
# A date written as text (2024-01-02, 2024/1/2, 2024.1.2, 2024年1月2日): shown as a date is.
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$")


def import_job_preview(*, job_id: int) -> ImportJob | None:
    """Preview a job waiting for it and leave it for the user (mapping); None if it is not
    previewing. An unreadable file rejects the job, as the run would."""
    job = (
        ImportJob.objects.select_related("created_by", "org")
        .filter(pk=job_id, status=ImportJob.Status.PREVIEWING)
        .first()
    )
    if job is None:
        return None
    try:
        with translation.override(FILE_LANGUAGE):
            preview = build_preview(job)
    except FileError as exc:
        transition(job, ImportJob.Status.REJECTED, message=str(exc), errors_count=1)
        return job
    except TRANSIENT:
        raise
    except Exception:
        logger.exception("import job %s preview failed", job.pk)
        transition(job, ImportJob.Status.FAILED, message=_("读取文件时发生错误，请稍后重试"))
        return job
    transition(job, ImportJob.Status.MAPPING, preview=preview)
    return job


def build_preview(job: ImportJob) -> dict[str, Any]:
    module = IMPORTERS[job.kind]
    with uploaded(job) as source:
        sheet = open_sheet(source, module.COLUMNS, ())
    header_rows, data_start = _header(sheet)
    headers = _header_texts(sheet.head, header_rows)
    saved = ImportMapping.objects.filter(org=job.org, kind=job.kind).first()
    keys = {column.key for column in module.COLUMNS}
    suggested = _suggest_columns(headers, sheet, header_rows, saved, keys)
    columns: list[dict[str, Any]] = [
        {"index": i, "header": h, "samples": [], "suggested": s[0], "source": s[1]}
        for i, (h, s) in enumerate(zip(headers, suggested, strict=True))
    ]
    watched: dict[str, int] = {}
    if job.kind == ImportJob.Kind.HOUSEHOLDS:
        watched = {c["suggested"]: c["index"] for c in columns if c["suggested"] in VALUE_FIELDS}
    counts: dict[str, Counter[str]] = {f: Counter() for f in watched}
    rows = 0
    for number, row in sheet:
        if number - 1 < data_start or is_blank(row):
            continue
        rows += 1
        for column in columns:
            index = column["index"]
            value = row[index] if index < len(row) else ""
            if len(column["samples"]) < SAMPLES and cells.text(value):
                column["samples"].append(_sample(value, column["suggested"]))
        for f, index in watched.items():
            value = row[index] if index < len(row) else ""
            counts[f].update(_written(f, value))
    preview: dict[str, Any] = {
        "header_rows": list(header_rows),
        "data_start": data_start,
        "first_column": sheet.layout.first_column,
        "rows": rows,
        "columns": columns,
        "values": {},
    }
    if watched:
        preview["values"] = _unmatched(job, counts, watched, saved)
    return preview


def _header(sheet: Sheet) -> tuple[tuple[int, ...], int]:
    """The header rows find_layout chose; with no column recognised, the first non-blank row."""
    if sheet.layout.columns:
        return sheet.layout.header_rows, sheet.layout.data_start
    index = next((i for i, row in enumerate(sheet.head) if not is_blank(row)), 0)
    return (index,), index + 1


def _header_texts(head: list[list[Any]], header_rows: tuple[int, ...]) -> list[str]:
    """Each column's header: the lower row's cell of a two-row header, else the upper's (a
    group header over several columns, or one merged down both rows)."""
    rows = [[header_token(v) for v in head[r]] if r < len(head) else [] for r in header_rows]
    width = max((len(r) for r in rows), default=0)
    texts = []
    for col in range(width):
        cells_ = [r[col] if col < len(r) else "" for r in rows]
        texts.append(next((t for t in reversed(cells_) if t), ""))
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _suggest_columns(
    headers: list[str],
    sheet: Sheet,
    header_rows: tuple[int, ...],
    saved: ImportMapping | None,
    keys: set[str],
) -> list[tuple[str, str]]:
    """(field key or "", source) per column: the unit's saved mapping first, then the
    dictionary's (find_layout's), never a field twice."""
    found: list[tuple[str, str]] = [("", "")] * len(headers)
    taken: set[str] = set()
    saved_columns = saved.columns if saved is not None else {}
    for index, header in enumerate(headers):
        key = saved_columns.get(header) if header else None
        if key is not None and (key == "" or (key in keys and key not in taken)):
            found[index] = (key, "saved")
            taken.add(key)
    if sheet.layout.header_rows == header_rows:
        for key, index in sheet.layout.columns.items():
            if index < len(found) and not found[index][1] and key not in taken:
                found[index] = (key, "dictionary")
                taken.add(key)
    return found


def _sample(value: object, key: str) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}-**-**" if key in ("birth_date", "") else value.isoformat()[:10]
    text = cells.text(value)[:SAMPLE_LENGTH]
    compact = text.replace(" ", "")
    dated = _DATE_TEXT.match(compact)
    if dated and key in ("birth_date", ""):
        return f"{dated.group(1)}-**-**"
    if key == "id_number" or _ID_LIKE.match(compact):
        return mask_id(compact)
    if key == "phone" or _PHONE_LIKE.match(text):
        return mask_phone(compact)
    if key == "birth_date":
        return text[:4] + "*" * max(0, len(text) - 4)
    return text


def _written(field: str, value: object) -> list[str]:
    """The value as the import looks it up (households.py): grids folded, categories split."""
    if field == "categories":
        return cells.split_list(value)
    text = cells.compact(value) if field in ("grid", "living_grid") else cells.text(value)
    return [text] if text else []


def _unmatched(
    job: ImportJob,
    counts: dict[str, Counter[str]],
    watched: dict[str, int],
    saved: ImportMapping | None,
) -> dict[str, Any]:
    """Per value field, the distinct values the import would not resolve as written, each with
    a suggestion: the unit's saved choice if still valid, else the dictionary's."""
    scope = ImportScope(user=job.created_by, root=job.org)
    executives = ExecutiveResolver(scope)
    options = value_targets(job, scope=scope, executives=executives)
    resolves = _resolvers(scope, executives)
    suggest = _suggesters(scope, executives)
    saved_values = saved.values if saved is not None else {}
    result: dict[str, Any] = {}
    for field, counter in counts.items():
        items = []
        for raw, count in counter.most_common():
            if resolves[field](raw):
                continue
            pick = saved_values.get(field, {}).get(raw)
            source = "saved"
            if pick is None or int(pick) not in options[field]:
                pick, source = suggest[field](raw), "dictionary"
            items.append(
                {
                    "raw": raw,
                    "count": count,
                    "suggested": int(pick) if pick is not None else None,
                    "source": source if pick is not None else "",
                }
            )
        result[field] = {
            "column": watched[field],
            "items": items[:MAX_VALUES],
            "more": max(0, len(items) - MAX_VALUES),
        }
    return result


def _resolvers(
    scope: ImportScope, executives: ExecutiveResolver
) -> dict[str, Callable[[str], bool]]:
    lookup = category_lookup()

    def grid(raw: str) -> bool:
        try:
            scope.grid(raw)
        except cells.CellError:
            return False
        return True

    return {
        "grid": grid,
        "living_grid": grid,
        "categories": lambda raw: raw in lookup,
        "executive": executives.known,
    }


def _suggesters(
    scope: ImportScope, executives: ExecutiveResolver
) -> dict[str, Callable[[str], int | None]]:
    grids = [(u.pk, u.code, u.name) for u in scope.units if u.is_grid]
    categories = list(Category.objects.filter(is_active=True).values_list("pk", "code", "name"))
    people = list(executives.people.values())
    return {
        "grid": lambda raw: matching.suggest_grid(raw, grids),
        "living_grid": lambda raw: matching.suggest_grid(raw, grids),
        "categories": lambda raw: matching.suggest_category(raw, categories),
        "executive": lambda raw: matching.suggest_executive(raw, people),
    }


def value_targets(
    job: ImportJob,
    *,
    scope: ImportScope | None = None,
    executives: ExecutiveResolver | None = None,
) -> dict[str, dict[int, str]]:
    """What a value may be mapped to, per field: {pk: label}, for the job's unit as its creator
    sees it (the run resolves the same way)."""
    scope = scope or ImportScope(user=job.created_by, root=job.org)
    executives = executives or ExecutiveResolver(scope)
    grids = {
        u.pk: f"{u.name}（{u.code}）" if u.code else u.name
        for u in sorted(scope.units, key=lambda u: u.path)
        if u.is_grid
    }
    categories = dict(Category.objects.filter(is_active=True).values_list("pk", "name"))
    people = executives.people.values()
    named = {
        pk: f"{name}（{tail}）" if tail else name
        for pk, name, tail in sorted(people, key=lambda p: p[1])
    }
    return {
        "grid": grids,
        "living_grid": grids,
        "categories": categories,
        "executive": named,
    }
