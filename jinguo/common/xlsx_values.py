"""Cell values of an .xlsx as python-calamine gives them, for jinguo.common.xlsx_stream: which
number formats are dates (calamine's formats.rs), how a serial number becomes a date, a time, a
datetime or a duration (calamine's ExcelDateTime and python-calamine's CellValue), how a string
is read (calamine's read_string: rich-text runs joined, phonetic runs left out, the text trimmed
unless xml:space="preserve", Excel's _x00HH_ escapes undone). Standard library only.
"""

import datetime as dt
import math
import re
from typing import Any

OTHER, DATE, DURATION = 0, 1, 2
_BUILTIN_DATES = frozenset(("14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "47"))
ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2}|\+[0-9A-Fa-f])_")
# chrono's dates end about 262,000 years from 1899 (python-calamine's time of day needs one).
_CHRONO_MS = 262_000 * 365 * 86_400_000
_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 (Excel's serial dates are naive)
_DAY_MS = 86_400_000


class Unsupported(Exception):
    """Something the streaming reader does not take: the caller reads it with calamine."""


class _Format:
    """calamine's scan of a number format (detect_custom_number_format), one char at a time."""

    def __init__(self) -> None:
        self.escaped = self.quoted = self.ap = self.hms = False
        self.brackets = 0
        self.prev = " "

    def step(self, char: str) -> int | None:
        """The format's kind if `char` decides it, else None."""
        if self.escaped:
            self.escaped = False
        elif char in "_\\*":
            self.escaped = True  # the next char is a literal
        elif self.quoted:
            self.quoted = char != '"'
        elif char == '"':
            self.quoted = True
        elif char == ";":
            return OTHER  # the first section only
        elif char == "[":
            self.brackets += 1
        elif char == "]" and self.brackets == 1 and self.hms:
            return DURATION
        elif char == "]":
            self.brackets = max(self.brackets - 1, 0)
        else:
            return self._token(char)
        return None

    def _token(self, char: str) -> int | None:
        if char in "aA" and not self.ap and not self.brackets:
            self.ap = True
        elif (char in "pm/PM" and self.ap and not self.brackets) or (
            char in "dmhysDMHYS" and not self.ap and not self.brackets
        ):
            return DATE
        elif not (self.hms and _same_letter(char, self.prev)):
            self.hms = self.prev == "[" and char in "mhsMHS"
        return None


def _same_letter(one: str, other: str) -> bool:
    """Rust's eq_ignore_ascii_case."""
    return one == other or ((one + other).isascii() and one.lower() == other.lower())


def format_kind(code: str) -> int:
    """DATE, DURATION ([h]:mm) or OTHER, as calamine reads a custom number format."""
    scan = _Format()
    for char in code:
        kind = scan.step(char)
        if kind is not None:
            return kind
        scan.prev = char
    return OTHER


def builtin_kind(number: str) -> int:
    """DATE, DURATION or OTHER for a built-in number format (14-22, 45-47 are dates)."""
    if number == "46":
        return DURATION
    return DATE if number in _BUILTIN_DATES else OTHER


def _round(value: float) -> int:
    """Rust's f64::round: halves away from zero."""
    whole = math.floor(abs(value))
    if abs(value) - whole >= 0.5:
        whole += 1
    return int(math.copysign(whole, value))


def date(value: float, kind: int, is_1904: bool) -> object:
    """python-calamine's value for a number under a date (DATE) or duration format."""
    if math.isnan(value):
        return _EPOCH  # calamine turns NaN into 0 ms
    if math.isinf(value):
        return value
    if kind == DURATION:
        try:
            return dt.timedelta(milliseconds=_round(value * _DAY_MS))
        except OverflowError:
            return value
    days = value + 1462.0 if is_1904 else value
    if days < 60.0:
        days += 1.0  # Excel's 1900-02-29
    ms = _round(days * _DAY_MS)
    if value < 1.0:  # a time of day
        if abs(ms) > _CHRONO_MS:
            return value
        ms %= _DAY_MS
        return dt.time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000 * 1000)
    try:
        moment = _EPOCH + dt.timedelta(milliseconds=ms)
    except OverflowError:
        return value  # past the year 9999: the number
    return moment.date() if value.is_integer() else moment


def shared_string(strings: list[str], content: str) -> str:
    """The shared string a `t="s"` cell's <v> points to; Unsupported past the table."""
    index = int(content) if content.isascii() and content.isdigit() else 0
    if index >= len(strings):
        raise Unsupported("shared string")
    return strings[index]


def unescape(text: str) -> str:
    """calamine's unescape_xml: Excel's _x00HH_ escapes."""
    if "_x00" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text)


def run_text(run: Any) -> str:
    """The text of one <t>, trimmed unless it preserves its spaces."""
    if len(run):
        raise Unsupported(run.tag)  # an element (or an entity) inside
    text = run.text or ""
    if run.get(XML_SPACE) != "preserve":
        text = text.strip(" \t\r\n")
    return unescape(text)


def text(element: Any, ns: str) -> str:
    """The text of a <si> or <is>: its <t>, those of its rich-text runs among them, without
    those of the phonetic runs (<rPh>)."""
    if len(element) == 1:  # the usual string: one <t>, no space to keep, no escape
        run = element[0]
        if run.tag == ns + "t" and not len(run) and run.get(XML_SPACE) is None:
            content = run.text
            return unescape(content.strip(" \t\r\n")) if content else ""
    phonetic = ns + "rPh"  # anything else: every <t> but those of the phonetic runs
    return "".join(
        run_text(run) for run in element.iter(ns + "t") if run.getparent().tag != phonetic
    )
