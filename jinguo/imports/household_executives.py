"""包保执委 as the household roster writes it, resolved to a person among the grid's executives."""

import re
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from jinguo.households.models import (
    GridAssignment,
)
from jinguo.imports import bulk, cells
from jinguo.imports.scope import ImportScope, Unit
from jinguo.orgs import tree
from jinguo.orgs.selectors import scope_q
from jinguo.people.models import ExecutiveSeat

_NAME_AND_TAIL = re.compile(r"^(.+?)[(（](\d{3}[\dX])[)）]$")
_TAIL = re.compile(r"^\d{3}[\dX]$")


class ExecutiveResolver:
    """包保执委 as written (a name, the ID number's last four, or 姓名(后四位)) → the person, among
    the executives of the household's grid: those assigned to the grid, and those holding a
    seat at the grid or a federation above it within the importing user's scope."""

    def __init__(self, scope: ImportScope) -> None:
        self.scope = scope
        self.by_grid: dict[int, list[tuple[int, str, str]]] = {}
        grid_ids = [unit.pk for unit in scope.units if unit.is_grid]
        for chunk in bulk.chunks(grid_ids):
            open_rows = GridAssignment.objects.filter(grid_id__in=chunk, end_date__isnull=True)
            for grid_id, person_id, name, tail in open_rows.values_list(
                "grid_id", "executive_id", "executive__name", "executive__id_tail"
            ):
                self.by_grid.setdefault(grid_id, []).append((person_id, name, tail))
        # Seats in the user's scope at the job's unit, below it (a grid's own) or above it.
        root = scope.root
        seats = ExecutiveSeat.objects.filter(
            root.subtree_q("org__") | Q(org__path__in=tree.ancestor_paths(root.path)),
            scope_q(user=scope.user, field="org"),
            ended_on__isnull=True,
        ).values_list("org__path", "person_id", "person__name", "person__id_tail")
        self.seats = [(path, (pk, name, tail)) for path, pk, name, tail in seats]
        self._cache: dict[tuple[int, str], int | str] = {}
        self.people = self.everyone()

    def candidates(self, grid: Unit) -> dict[int, tuple[int, str, str]]:
        found = {person[0]: person for person in self.by_grid.get(grid.pk, [])}
        for path, person in self.seats:
            if tree.within(grid.path, path):
                found.setdefault(person[0], person)
        return found

    def everyone(self) -> dict[int, tuple[int, str, str]]:
        """Every executive of the scope, a grid's or a seat's: {pk: (pk, name, last four)}."""
        found = {p[0]: p for people in self.by_grid.values() for p in people}
        found |= {person[0]: person for _path, person in self.seats}
        return found

    def chosen(self, written: str) -> int | None:
        """The person the user chose for this name when confirming the file's mapping."""
        pk = self.scope.values.get("executive", {}).get(written)
        return pk if pk is not None and pk in self.people else None

    def known(self, written: str) -> bool:
        """Whether the name, as written, is one of the scope's executives."""
        return bool(self._matches(self.people.values(), written))

    def resolve(self, grid: Unit, written: str) -> int:
        chosen = self.chosen(written)
        if chosen is not None:
            return chosen
        key = (grid.pk, written)
        found = self._cache.get(key)
        if found is None:
            found = self._match(grid, written)
            self._cache[key] = found
        if isinstance(found, str):
            raise cells.CellError(found)
        return found

    def check_in_scope(self, written: str) -> None:
        """For a row whose grid is unknown or missing: the executive must still be one of the
        scope's (a grid's or a seat's), so that the first list of errors is complete. A name
        shared by two of them is left until the grid is known."""
        if self.chosen(written) is not None:
            return
        if not self.known(written):
            raise cells.CellError(
                _("未找到包保执委“%(name)s”：%(unit)s及其网格没有这位执委")
                % {"name": written, "unit": self.scope.root.name}
            )

    def _matches(
        self, candidates: Iterable[tuple[int, str, str]], written: str
    ) -> list[tuple[int, str, str]]:
        # Names are compared folded on both sides (cells.compact): stored as typed, written
        # in a cell perhaps with other widths.
        text = cells.compact(written).upper()
        both = _NAME_AND_TAIL.match(text)
        people = [(pk, cells.compact(name).upper(), tail) for pk, name, tail in candidates]
        if both:
            return [p for p in people if p[1] == both.group(1) and p[2] == both.group(2)]
        if _TAIL.match(text):
            return [p for p in people if p[2] == text]
        return [p for p in people if p[1] == text]

    def _match(self, grid: Unit, written: str) -> int | str:
        matches = self._matches(self.candidates(grid).values(), written)
        if len(matches) == 1:
            return matches[0][0]
        if matches:
            return _("包保执委“%(name)s”有重名，请写成“姓名(身份证号后四位)”") % {"name": written}
        return _(
            "未找到包保执委“%(name)s”：须是%(grid)s的网格执委，或在该网格所属妇联任职的执委"
        ) % {"name": written, "grid": grid.name}
