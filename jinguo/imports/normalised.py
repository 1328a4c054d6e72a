"""Cells changed to be read, counted while checking and told on the job page.

An importer reads a full-width ＩＤ as half-width, trims the spaces around a phone, reads an ID
number Excel stored as a number, upper-cases a trailing x and reads 1990.1.1 as a date. It does
so silently in the cell readers (imports.cells); this module counts those changes by field and
kind, with the first few row numbers of each, so the cadre learns what was changed. Only fields,
kinds, counts and row numbers are kept: never a cell's value (personal data).
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from jinguo.imports import cells
from jinguo.imports.sheet import row_name

FIRST_ROWS = 5
FULLWIDTH = "fullwidth"
SPACES = "spaces"
NUMBER = "number"
LOWERCASE_X = "lowercase_x"
TEXT_DATE = "text_date"
KINDS = (FULLWIDTH, SPACES, NUMBER, LOWERCASE_X, TEXT_DATE)

_WHITESPACE = re.compile(r"\s")
_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Normalised:
    """The changes of one file: note them row by row, as_list() them for the job's summary.
    `fields` orders them (the roster's column keys) and names them (its headers)."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.counts: Counter[tuple[str, str]] = Counter()
        self.rows: dict[tuple[str, str], list[int]] = {}

    def note(self, row: int, field: str, kind: str) -> None:
        key = (field, kind)
        self.counts[key] += 1
        rows = self.rows.setdefault(key, [])
        if len(rows) < FIRST_ROWS:
            rows.append(row)

    def identifier(self, row: int, field: str, value: object) -> None:
        """An ID, phone, code or household number: spaces removed, full-width digits and
        letters made half-width (cells.compact)."""
        if not isinstance(value, str) or (value.isascii() and not _WHITESPACE.search(value)):
            return
        if _WHITESPACE.search(value):
            self.note(row, field, SPACES)
        if _FULLWIDTH_ALNUM.search(value):
            self.note(row, field, FULLWIDTH)

    def id_number(self, row: int, value: object) -> None:
        """An ID number: also one read from a number cell, and a trailing x made X."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.note(row, "id_number", NUMBER)
            return
        self.identifier(row, "id_number", value)
        if isinstance(value, str) and value.rstrip().endswith(("x", "ｘ")):
            self.note(row, "id_number", LOWERCASE_X)

    def name(self, row: int, field: str, value: object) -> None:
        """A name: spaces trimmed, collapsed, or removed inside a Chinese name (cells.name)."""
        if isinstance(value, str) and _WHITESPACE.search(value) and cells.name(value) != value:
            self.note(row, field, SPACES)

    def date(self, row: int, field: str, value: object) -> None:
        """A date read from a text other than 2024-03-01 (2024.3.1, 2024年3月1日, 20240301)."""
        if not isinstance(value, str) or _ISO_DATE.match(value):
            return
        shown = value.strip()
        if not shown or _ISO_DATE.match(shown):
            if shown != value:
                self.note(row, field, SPACES)
            return
        try:
            if cells.date(value) is not None:
                self.note(row, field, TEXT_DATE)
        except cells.CellError:
            return  # the row's error says so

    def as_list(self, name_row: Callable[[int], str] | None = None) -> list[dict[str, Any]]:
        """[{field, header, kind, count, rows}] in the roster's column order; the rows named
        by `name_row` (Sheet.row_name: 「“二组”第12行」 in a file of several sheets)."""
        name = name_row or (lambda key: row_name(key, ()))
        order = {key: index for index, key in enumerate(self.fields)}
        keys = sorted(self.counts, key=lambda k: (order.get(k[0], len(order)), KINDS.index(k[1])))
        return [
            {
                "field": field,
                "header": self.fields.get(field, field),
                "kind": kind,
                "count": self.counts[(field, kind)],
                "rows": [name(row) for row in self.rows[(field, kind)]],
            }
            for field, kind in keys
        ]


def _change(kind: str, count: int) -> str:
    if kind == FULLWIDTH:
        return _("%(count)d处全角字符改为半角") % {"count": count}
    if kind == SPACES:
        return _("%(count)d处多余的空格已去除") % {"count": count}
    if kind == NUMBER:
        return _("%(count)d处由数字格式读取") % {"count": count}
    if kind == LOWERCASE_X:
        return _("%(count)d处末位小写x改为大写X") % {"count": count}
    return _("%(count)d处由文字识别为日期") % {"count": count}


def describe(items: Iterable[dict[str, Any]]) -> list[str]:
    """One line per field and kind: «身份证号：12处全角字符改为半角（第3行、第5行…）»."""
    lines = []
    for item in items:
        if item.get("kind") not in KINDS:
            continue
        rows = [row if isinstance(row, str) else row_name(int(row), ()) for row in item["rows"]]
        shown = "、".join(rows) + ("…" if int(item["count"]) > len(rows) else "")
        lines.append(
            _("%(field)s：%(change)s（%(rows)s）")
            % {
                "field": item.get("header", ""),
                "change": _change(item["kind"], int(item["count"])),
                "rows": shown,
            }
        )
    return lines
