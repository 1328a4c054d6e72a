"""Figures of many units from one grouped query: the counts a figures selector takes for one
unit, taken for every unit of a set at once (a round's targets, a consolidated report's
children), each row counted for the unit whose subtree it lies in.

A unit's subtree is every row whose path starts with the unit's path, so the unit a row
counts for is the first `len(unit.path)` characters of the row's path. Units of one path
length are read in one pass, grouped by that prefix; a set mixing levels (villages and a
township's own community) takes one pass per length. Rows under a unit that is not in the
set, or above the set's units, fall in no group and are dropped.

The grouped counts equal the single unit's (count_each) for every unit: the apps' grouped
figures selectors are tested against their own single-unit selectors for every unit of the
demo tree (jinguo/reports/tests/test_grouped.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from jinguo.common.figures import count_each_by
from jinguo.orgs.models import OrgUnit


@dataclass(frozen=True)
class Pass:
    """The units of one path length, by path."""

    length: int
    units: dict[str, OrgUnit]

    def group(self, path_field: str) -> Substr:
        """The expression naming the unit (its path) a row with `path_field` counts for."""
        return Substr(path_field, 1, self.length)

    def rows(self, queryset: QuerySet[Any], path_field: str) -> QuerySet[Any]:
        """The rows of `queryset` that count for one of the pass's units."""
        return queryset.annotate(_unit_path=self.group(path_field)).filter(
            _unit_path__in=list(self.units)
        )


class Targets:
    """A set of units whose figures are read together."""

    def __init__(self, units: Iterable[OrgUnit]) -> None:
        self.units: list[OrgUnit] = list({u.pk: u for u in units}.values())

    def __iter__(self) -> Any:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def passes(self) -> list[Pass]:
        by_length: dict[int, dict[str, OrgUnit]] = {}
        for unit in self.units:
            by_length.setdefault(len(unit.path), {})[unit.path] = unit
        return [Pass(length, units) for length, units in sorted(by_length.items())]


def grouped_counts(
    queryset: QuerySet[Any],
    conditions: Mapping[str, Q],
    *,
    path_field: str,
    targets: Targets,
    extra: Mapping[str, Any] | None = None,
) -> dict[int, dict[str, Any]]:
    """count_each of `queryset` for every target (by pk): per key, the rows under the target
    meeting its condition, and the `extra` aggregates (None where the target has no row, as
    count_each gives them). `path_field` is the path of the unit a row belongs to
    (e.g. "org__path", "household__grid__path")."""
    empty = dict.fromkeys(conditions, 0) | dict.fromkeys(extra or {})
    result: dict[int, dict[str, Any]] = {unit.pk: dict(empty) for unit in targets}
    for pass_ in targets.passes():
        _totals, groups = count_each_by(
            pass_.rows(queryset, path_field), conditions, group=F("_unit_path"), extra=extra
        )
        for path, counts in groups.items():
            unit = pass_.units.get(path)
            if unit is not None:
                result[unit.pk] = {
                    key: int(value or 0) if key in conditions else value
                    for key, value in counts.items()
                }
    return result


def grouped_count(
    queryset: QuerySet[Any], *, path_field: str, targets: Targets, distinct: str = ""
) -> dict[int, int]:
    """`queryset.count()` for every target (by pk); with `distinct`, the number of distinct
    values of that field under each target (a person seated twice in a subtree counts once)."""
    result = {unit.pk: 0 for unit in targets}
    aggregate = Count(distinct, distinct=True) if distinct else Count("pk")
    for pass_ in targets.passes():
        rows = (
            pass_.rows(queryset, path_field)
            .order_by()
            .values("_unit_path")
            .annotate(n=aggregate)
            .values_list("_unit_path", "n")
        )
        for path, n in rows:
            unit = pass_.units.get(path)
            if unit is not None:
                result[unit.pk] = int(n)
    return result


def grouped_counts_either(
    queryset: QuerySet[Any],
    conditions: Mapping[str, Q],
    *,
    path_fields: tuple[str, str],
    targets: Targets,
    extra: Mapping[str, Any] | None = None,
) -> dict[int, dict[str, Any]]:
    """grouped_counts of rows that lie under a target by either of two paths (a case handled
    or reported in a unit's subtree), each row once per target: the rows under it by the
    first path, plus those under it by the second and not by the first. `extra` aggregates
    must add up (Count, Sum)."""
    first, second = path_fields
    result = grouped_counts(queryset, conditions, path_field=first, targets=targets, extra=extra)
    for pass_ in targets.passes():
        other = (
            pass_.rows(queryset, second)
            .annotate(_first_path=pass_.group(first))
            .exclude(_first_path=F("_unit_path"))
        )
        _totals, groups = count_each_by(other, conditions, group=F("_unit_path"), extra=extra)
        for path, counts in groups.items():
            unit = pass_.units.get(path)
            if unit is not None:
                mine = result[unit.pk]
                for key, value in counts.items():
                    mine[key] = (mine[key] or 0) + (value or 0)
    return result
