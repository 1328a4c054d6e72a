"""A work report as plain data, and back: what a submission freezes (jinguo.rounds), so that the
report a unit sent is printed as it was sent, whatever the records say later. Also the edits a
unit makes to the drafted words, and the rule that keeps the figures out of her hands: an
edited paragraph may drop or reword sentences, never change or add a number.
"""

import re
from dataclasses import asdict
from typing import Any

from jinguo.reports.narrative import Part, WorkReport
from jinguo.reports.report_tables import ReportTable

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def report_to_data(report: WorkReport) -> dict[str, Any]:
    return asdict(report)


def _part(data: dict[str, Any]) -> Part:
    return Part(
        key=data["key"],
        heading=data["heading"],
        paragraphs=list(data.get("paragraphs", [])),
        parts=[_part(p) for p in data.get("parts", [])],
        tables=[ReportTable(**t) for t in data.get("tables", [])],
    )


def report_from_data(data: dict[str, Any]) -> WorkReport:
    return WorkReport(
        title=data["title"],
        signature=data["signature"],
        date=data["date"],
        parts=[_part(p) for p in data["parts"]],
    )


def editable_parts(report: WorkReport) -> list[Part]:
    """The parts whose words a unit edits, in the report's order (a part with subparts is
    edited through them; its own lead paragraphs too)."""
    out = []
    for part in report.parts:
        if part.paragraphs:
            out.append(part)
        out += [sub for sub in part.parts if sub.paragraphs]
    return out


def numbers_in(texts: list[str]) -> list[str]:
    return [n.replace(",", "") for text in texts for n in NUMBER.findall(text)]


def changed_numbers(drafted: list[str], edited: list[str]) -> list[str]:
    """Numbers in `edited` that the drafted words do not hold (as often): a figure typed in
    or changed. Dropping a sentence, and its number with it, is allowed."""
    left = numbers_in(drafted)
    changed = []
    for number in numbers_in(edited):
        if number in left:
            left.remove(number)
        else:
            changed.append(number)
    return changed


def apply_edits(report: WorkReport, texts: dict[str, list[str]]) -> WorkReport:
    """The report with the edited parts' paragraphs (blank ones dropped) in place of the
    drafted ones; a part not edited keeps its draft."""
    for part in editable_parts(report):
        if part.key in texts:
            part.paragraphs = [t.strip() for t in texts[part.key] if t.strip()]
    return report
