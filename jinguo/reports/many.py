"""The figures of many units at once (a round's targets, the units a consolidated report
compares): each section's grouped reader where it has one (a few grouped queries for all the
units), else the section's own figures unit by unit. Every unit's figures equal those of its
own dashboard for the same period (jinguo/reports/tests/test_grouped.py).
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from functools import partial

from jinguo.accounts.models import User
from jinguo.common.figures import Figure
from jinguo.common.grouped import Targets
from jinguo.common.parallel import run_reads
from jinguo.orgs.models import OrgUnit
from jinguo.reports.sections import SECTIONS, SectionSpec

# unit pk → [(section spec, its figures)] in SECTIONS' order.
UnitsFigures = dict[int, list[tuple[SectionSpec, list[Figure]]]]


def section_of_key(key: str) -> str:
    """The section a figure key belongs to: keys are "<section>.<…>"."""
    return key.split(".", 1)[0]


def _one(
    spec: SectionSpec, *, user: User, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Figure]:
    # As the dashboard (SectionSpec.section): the reader's figures where there is one.
    if spec.read is not None:
        return spec.read(user=user, org=org, start=start, end=end).figures
    if spec.figures is not None:
        return spec.figures(user=user, org=org, start=start, end=end)
    return []


def units_figures(
    *,
    user: User,
    org: OrgUnit,
    start: dt.date,
    end: dt.date,
    units: Iterable[OrgUnit],
    sections: Collection[str] | None = None,
) -> UnitsFigures:
    """Per unit (in org's subtree, fetched through the user's scope), the figures of the
    sections named (all by default) for the period, as each unit's dashboard gives them."""
    targets = Targets(units)
    specs = [s for s in SECTIONS if sections is None or s.key in sections]
    tasks: list[Callable[[], dict[int, list[Figure]]]] = []
    for spec in specs:
        if spec.grouped is not None:
            tasks.append(
                partial(spec.grouped, user=user, org=org, start=start, end=end, targets=targets)
            )
        else:
            tasks += [
                partial(_single, spec, user=user, unit=unit, start=start, end=end)
                for unit in targets
            ]
    got = run_reads(tasks)
    by_section: dict[str, dict[int, list[Figure]]] = {}
    for spec, result in zip(_task_specs(specs, targets), got, strict=True):
        by_section.setdefault(spec.key, {}).update(result)
    return {
        unit.pk: [(spec, by_section.get(spec.key, {}).get(unit.pk, [])) for spec in specs]
        for unit in targets
    }


def _single(
    spec: SectionSpec, *, user: User, unit: OrgUnit, start: dt.date, end: dt.date
) -> dict[int, list[Figure]]:
    return {unit.pk: _one(spec, user=user, org=unit, start=start, end=end)}


def _task_specs(specs: list[SectionSpec], targets: Targets) -> list[SectionSpec]:
    """The spec of each task units_figures queued, in the same order."""
    out: list[SectionSpec] = []
    for spec in specs:
        out += [spec] if spec.grouped is not None else [spec] * len(targets)
    return out
