"""The period comparison of the dashboard (同比 by default, 环比 on a switch): per figure key,
the change from the period compared with; the figures of the current state are not compared."""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from jinguo.accounts.models import User
from jinguo.common.parallel import run_reads
from jinguo.orgs.models import OrgUnit
from jinguo.reports.periods import DEFAULT_MODE, comparison_period
from jinguo.reports.sections import period_figure_fns
from jinguo.reports.shapes import Section


@dataclass(frozen=True)
class Change:
    previous: int | float | None  # None: a snapshot figure, not compared
    delta: int | float | None
    percent: float | None  # None when the previous value is 0 (or not compared)

    @property
    def arrow(self) -> str:
        if self.delta is None or self.delta == 0:
            return "→" if self.delta == 0 else ""
        return "↑" if self.delta > 0 else "↓"


def change(value: int | float, previous: int | float | None) -> Change:
    if previous is None:
        return Change(None, None, None)
    delta = value - previous
    if isinstance(delta, float):
        delta = round(delta, 2)
    percent = round(100 * delta / previous, 1) if previous else None
    return Change(previous, delta, percent)


def dashboard_comparison(
    *,
    user: User,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    sections: list[Section],
    mode: str = DEFAULT_MODE,
) -> dict[str, Change]:
    """Per figure key, the change from the period compared with (`mode`: periods.YEAR_ON_YEAR,
    the same period last year, or periods.PREVIOUS, the period of equal length before; the
    period figures only: the current-state ones map to an empty Change)."""
    prev_start, prev_end = comparison_period(start, end, mode)
    common: dict[str, Any] = {"user": user, "org": org, "start": prev_start, "end": prev_end}
    previous: dict[str, int | float] = {}
    for figures in run_reads([partial(fn, **common) for fn in period_figure_fns()]):
        previous |= {f.key: f.value for f in figures}
    out: dict[str, Change] = {}
    for section in sections:
        for f in section.figures:
            prev = None if f.key in section.snapshot else previous.get(f.key)
            out[f.key] = change(f.value, prev)
    return out
