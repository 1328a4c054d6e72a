"""The dashboard's block 走访、执委与微心愿: visits made in the period, executives seated now,
wishes collected and fulfilled in the period — each a count of the list its figure links to
(one aggregate query per figure, whatever the size of the subtree). `work_grouped` gives the
same figures for many units at once (one grouped query per figure and path length)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, figure_url, list_url
from jinguo.common.grouped import Targets, grouped_count
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.selectors import active_seats
from jinguo.visits.selectors import visit_list, wish_list

# Figures of the current state (not compared with another period).
SNAPSHOT = frozenset({"work.executives"})


def executives_count(*, user: User, org: OrgUnit) -> int:
    """People with a seat in `org`'s subtree now: the roster /people/executives/?org= lists."""
    seats = active_seats(user=user, org=org)
    return Person.objects.filter(pk__in=seats.values("person_id")).count()


def work_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    counts = {
        "visits": visit_list(user=user, org=org, start=start, end=end).order_by().count(),
        "executives": executives_count(user=user, org=org),
        "collected": wish_list(user=user, org=org, start=start, end=end).order_by().count(),
        "fulfilled": (
            wish_list(user=user, org=org, start=start, end=end, by="fulfilled").order_by().count()
        ),
    }
    return _work_built(org, start, end, counts)


def work_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """work_figures of every target (units of `org`'s subtree, by pk), each equal to its own:
    the same scoped lists, read for `org` and counted per target (common.grouped); an
    executive seated in two units of a target's subtree counts once for it."""

    def count(rows: QuerySet[Any], distinct: str = "") -> dict[int, int]:
        return grouped_count(rows, path_field="org__path", targets=targets, distinct=distinct)

    visits = count(visit_list(user=user, org=org, start=start, end=end))
    executives = count(active_seats(user=user, org=org), distinct="person_id")
    collected = count(wish_list(user=user, org=org, start=start, end=end))
    fulfilled = count(wish_list(user=user, org=org, start=start, end=end, by="fulfilled"))
    return {
        unit.pk: _work_built(
            unit,
            start,
            end,
            {
                "visits": visits[unit.pk],
                "executives": executives[unit.pk],
                "collected": collected[unit.pk],
                "fulfilled": fulfilled[unit.pk],
            },
        )
        for unit in targets
    }


def _work_built(
    unit: OrgUnit, start: dt.date, end: dt.date, counts: Mapping[str, int]
) -> list[Figure]:
    """The block's figures of `unit` from their counts, each linking to the list it counts."""
    period = {"org": unit.pk, "start": start, "end": end}
    return [
        Figure(
            "work.visits",
            _("入户走访"),
            counts["visits"],
            figure_url(list_url("visits:list"), **period),
            _("次"),
        ),
        Figure(
            "work.executives",
            _("执委"),
            counts["executives"],
            figure_url(list_url("people:executives"), org=unit.pk),
            _("名"),
        ),
        Figure(
            "work.wishes_collected",
            _("收集微心愿"),
            counts["collected"],
            figure_url(list_url("visits:wishes"), **period),
            _("个"),
        ),
        Figure(
            "work.wishes_fulfilled",
            _("实现微心愿"),
            counts["fulfilled"],
            figure_url(list_url("visits:wishes"), by="fulfilled", **period),
            _("个"),
        ),
    ]
