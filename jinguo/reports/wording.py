"""Sentence building for the work report: clauses that carry a figure appear only when the
figure is not zero, are joined with Chinese punctuation, and a sentence with no clause left is
not written at all — so no line of the report starts with «，» or says «0».

The work report is a Chinese official document (GB/T 9704): its words are Chinese whatever
language the pages are shown in, and are written here rather than in the UI catalogue.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

Number = int | float | Decimal

ORDINALS = "零一二三四五六七八九"


def chinese_number(i: int) -> str:
    """1 → 一 … 99 → 九十九 (headings, 一是/二是)."""
    if i < 10:
        return ORDINALS[i]
    tens, ones = divmod(i, 10)
    head = "十" if tens == 1 else ORDINALS[tens] + "十"
    return head + (ORDINALS[ones] if ones else "")


def num(value: Number) -> str:
    """A count as a report writes it: 1,234; 12.5; an amount of 10,000 or more in 万."""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def money(value: Number) -> str:
    """元 under 10,000, 万元 from there (两位小数 at most)."""
    value = float(value)
    if abs(value) >= 10_000:
        wan = value / 10_000
        text = f"{wan:,.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"{num(value)}元"


def pct(value: Number) -> str:
    return f"{float(value):.1f}%".replace(".0%", "%")


def clauses(items: Iterable[tuple[Number | None, str]]) -> list[str]:
    """The templates ("召开会议{v}次") whose value is neither None nor zero, filled in."""
    out = []
    for value, template in items:
        if value:
            out.append(template.format(v=num(value)))
    return out


def listing(parts: Sequence[str]) -> str:
    """「A、B和C」 — items of one kind."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return "、".join(parts[:-1]) + "和" + parts[-1]


def sentence(*groups: Sequence[str], lead: str = "") -> str:
    """`lead` followed by the clauses of each non-empty group, groups separated by «；»,
    clauses by «，», ended with «。»; "" when every group is empty."""
    joined = [("，".join(g)) for g in groups if g]
    if not joined:
        return ""
    return lead + "；".join(joined) + "。"


def paragraphs(*texts: str) -> list[str]:
    return [t for t in texts if t]
