"""Refreshing and reading the dashboard's summary tables (jinguo.reports.models).

`tallies_refresh()` recomputes every UnitTally (three grouped queries over households, open
包保 rows and grids, then only the rows that changed are written) and the VisitMonthTally rows
of the (unit, month) pairs touched by visits recorded since two runs back (all of them on the
first run of a day, or with `full=True`). Beat runs it every 20 s (jinguo.reports.tasks); each
run is a TallyRun row.

`tallies_fresh()` is the latest run if it started less than TALLY_MAX_AGE_SECONDS ago and was
computed for today; the dashboard uses the tallies only then, and counts live otherwise.
"""

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Length, Substr, TruncMonth
from django.utils import timezone

from jinguo.common.grouped import Targets, grouped_counts
from jinguo.households.grid_coverage import grid_covered
from jinguo.households.models import Household, HouseholdAssignment
from jinguo.orgs import tree
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.reports.models import TallyRun, UnitTally, VisitMonthRollup, VisitMonthTally
from jinguo.visits.models import Visit

FIELDS = ("households", "assigned", "planned", "overdue", "grids", "staffed")
GRID_KINDS = (Kind.GRID, Kind.MICRO_GRID)
RUNS_KEPT = 100
# Subtrees of units this deep or less (the city, its counties) get their monthly visits summed
# at refresh time (VisitMonthRollup): below that a subtree has few enough tallies to sum live.
ROLLUP_DEPTH = 2


def max_age_seconds() -> int:
    return int(getattr(settings, "TALLY_MAX_AGE_SECONDS", 30))


# --- refresh ------------------------------------------------------------------------------------


def _unit_counts(today: dt.date) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}

    def row(org_id: int) -> dict[str, int]:
        return counts.setdefault(org_id, dict.fromkeys(FIELDS, 0))

    households = (
        Household.objects.filter(is_active=True)
        .values("grid_id")
        .annotate(
            households=Count("id"),
            planned=Count("id", filter=Q(visit_interval_days__isnull=False)),
            overdue=Count(
                "id", filter=Q(visit_interval_days__isnull=False, visit_due_on__lt=today)
            ),
        )
        .order_by()
    )
    for got in households:
        r = row(got.pop("grid_id"))
        r.update(got)
    # Households with at least one open 包保 row: a join, not a subquery per household.
    assigned = (
        HouseholdAssignment.objects.filter(
            kind=HouseholdAssignment.Kind.RESPONSIBLE,
            end_date__isnull=True,
            household__is_active=True,
        )
        .values("household__grid_id")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    for got in assigned:
        row(got["household__grid_id"])["assigned"] = got["n"]
    grids = OrgUnit.objects.filter(kind__in=GRID_KINDS, is_active=True).values_list(
        "pk", grid_covered(today)
    )
    for org_id, has_executive in grids:
        r = row(org_id)
        r["grids"] = 1
        r["staffed"] = int(has_executive)
    return counts


def _write_units(counts: dict[int, dict[str, int]]) -> int:
    """Write only what changed: a refresh of a quiet city touches no row."""
    existing = {t.org_id: t for t in UnitTally.objects.all()}
    create, update = [], []
    for org_id, values in counts.items():
        tally = existing.pop(org_id, None)
        if tally is None:
            create.append(UnitTally(org_id=org_id, **values))
        elif any(getattr(tally, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(tally, f, v)
            update.append(tally)
    UnitTally.objects.bulk_create(create, batch_size=2000)
    UnitTally.objects.bulk_update(update, FIELDS, batch_size=2000)
    UnitTally.objects.filter(org_id__in=list(existing)).delete()
    return len(create) + len(update) + len(existing)


def _month_counts(visits: Any) -> dict[tuple[int, dt.date], int]:
    rows = (
        visits.annotate(month=TruncMonth("visited_on"))
        .values_list("org_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(org_id, month): n for org_id, month, n in rows}


MonthModel = type[VisitMonthTally] | type[VisitMonthRollup]


def _write_months(
    counts: dict[tuple[int, dt.date], int],
    pairs: Iterable[tuple[int, dt.date]],
    *,
    everything: bool = False,
    model: MonthModel = VisitMonthTally,
) -> None:
    """Set the (unit, month) `pairs` of `model` to `counts` (0 where absent: no row), writing
    only what changed; `everything`: the pairs are all stored rows and more (read them all
    rather than by a list of units)."""
    wanted = set(pairs)
    objects: Any = model.objects  # either model: the same three columns
    rows = objects.all()
    if not everything:
        rows = rows.filter(org_id__in={org_id for org_id, _m in wanted})
    existing = {(t.org_id, t.month): t for t in rows if (t.org_id, t.month) in wanted}
    create, update, gone = [], [], []
    for pair in wanted:
        n = counts.get(pair, 0)
        tally = existing.get(pair)
        if tally is None:
            if n:
                create.append(model(org_id=pair[0], month=pair[1], visits=n))
        elif n == 0:
            gone.append(tally.pk)
        elif tally.visits != n:
            tally.visits = n
            update.append(tally)
    objects.bulk_create(create, batch_size=2000)
    objects.bulk_update(update, ["visits"], batch_size=2000)
    objects.filter(pk__in=gone).delete()


def _refresh_months(*, since_id: int | None) -> None:
    if since_id is None:  # everything
        counts = _month_counts(Visit.objects.all())
        # Diffed like the incremental run, so that a daily full run rewrites nothing that
        # did not change (a delete-and-insert would leave the table bloated with dead rows).
        stored = set(VisitMonthTally.objects.values_list("org_id", "month"))
        _write_months(counts, counts.keys() | stored, everything=True)
        return
    touched = set(
        Visit.objects.filter(id__gt=since_id)
        .annotate(month=TruncMonth("visited_on"))
        .values_list("org_id", "month")
        .distinct()
        .order_by()
    )
    if not touched:
        return
    orgs = {org_id for org_id, _m in touched}
    first = min(month for _o, month in touched)
    counts = _month_counts(Visit.objects.filter(org_id__in=orgs, visited_on__gte=first))
    _write_months({p: n for p, n in counts.items() if p in touched}, touched)


def _write_rollups() -> None:
    """Recompute VisitMonthRollup from the tallies just written: one grouped query per level
    (a few hundred rows), written only where they changed, like the tallies."""
    top = OrgUnit.objects.annotate(n=Length("path")).filter(n__lte=tree.SEGMENT * ROLLUP_DEPTH)
    units = dict(top.values_list("path", "pk"))
    counts: dict[tuple[int, dt.date], int] = {}
    for level in range(1, ROLLUP_DEPTH + 1):
        sums = (
            VisitMonthTally.objects.annotate(prefix=Substr("org__path", 1, tree.SEGMENT * level))
            .values_list("prefix", "month")
            .annotate(n=Sum("visits"))
            .order_by()
        )
        counts |= {(units[p], month): n for p, month, n in sums if p in units and n}
    stored = set(VisitMonthRollup.objects.values_list("org_id", "month"))
    _write_months(counts, counts.keys() | stored, everything=True, model=VisitMonthRollup)


def _since_id(*, today: dt.date, full: bool) -> int | None:
    """Recount visits above the watermark of two runs back; None: recount everything (first
    run, first run of the day, or asked for)."""
    if full:
        return None
    runs = list(TallyRun.objects.order_by("-finished_at", "-pk")[:2])
    if len(runs) < 2 or runs[0].as_of != today:
        return None
    return runs[1].visit_max_id


@transaction.atomic
def tallies_refresh(*, today: dt.date | None = None, full: bool = False) -> TallyRun:
    started = timezone.now()
    clock = time.perf_counter()
    today = today or timezone.localdate()
    visit_max_id = Visit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    since_id = _since_id(today=today, full=full)
    _write_units(_unit_counts(today))
    _refresh_months(since_id=since_id)
    _write_rollups()
    if since_id is None and connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses a handful of rows for a city's year.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_unittally, reports_visitmonthtally")
    run = TallyRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        as_of=today,
        full=since_id is None,
        visit_max_id=visit_max_id,
        seconds=round(time.perf_counter() - clock, 3),
    )
    old = TallyRun.objects.order_by("-finished_at", "-pk").values_list("pk", flat=True)
    TallyRun.objects.filter(pk__in=list(old[RUNS_KEPT:])).delete()
    return run


# --- reading ------------------------------------------------------------------------------------


def tallies_fresh(*, now: dt.datetime | None = None) -> TallyRun | None:
    """The latest run if its figures may be shown: started within TALLY_MAX_AGE_SECONDS
    (0 switches the tallies off) and computed for today."""
    seconds = max_age_seconds()
    if seconds <= 0:
        return None
    now = now or timezone.now()
    run = TallyRun.objects.order_by("-finished_at", "-pk").first()
    if run is None or run.as_of != timezone.localdate(now):
        return None
    if run.started_at < now - dt.timedelta(seconds=seconds):
        return None
    return run


@dataclass
class TallyCounts:
    households: int = 0
    assigned: int = 0
    planned: int = 0
    overdue: int = 0
    grids: int = 0
    staffed: int = 0


def unit_tallies(*, org: OrgUnit) -> tuple[TallyCounts, dict[str, TallyCounts]]:
    """The subtree of `org` in total and per direct child (by path segment): one query.
    The caller has checked `org` against the user's scope; tallies are only used for users
    whose scope is a whole subtree (never a grid member's own households)."""
    rows = (
        UnitTally.objects.filter(org.subtree_q("org__"))
        .annotate(segment=Substr("org__path", len(org.path) + 1, tree.SEGMENT))
        .values("segment")
        .annotate(**{f: Sum(f) for f in FIELDS})
        .order_by()
    )
    total = TallyCounts()
    children: dict[str, TallyCounts] = {}
    for row in rows:
        counts = TallyCounts(**{f: row[f] or 0 for f in FIELDS})
        for f in FIELDS:
            setattr(total, f, getattr(total, f) + getattr(counts, f))
        if row["segment"]:
            children[row["segment"]] = counts
    return total, children


def unit_tallies_grouped(*, org: OrgUnit, targets: Targets) -> dict[int, TallyCounts]:
    """The subtree of every target (units of `org`'s subtree, by pk) in total, as unit_tallies
    gives it for each: one grouped query per path length of the targets."""
    sums = grouped_counts(
        UnitTally.objects.filter(org.subtree_q("org__")),
        {},
        path_field="org__path",
        targets=targets,
        extra={f: Sum(f) for f in FIELDS},
    )
    return {pk: TallyCounts(**{f: int(row[f] or 0) for f in FIELDS}) for pk, row in sums.items()}


def visit_months(*, org: OrgUnit, year: int) -> list[int]:
    """Visits per month of `year` recorded in `org`'s subtree, from the tallies."""
    months = [0] * 12
    rows: Iterable[tuple[dt.date, int]]
    if tree.depth(org.path) <= ROLLUP_DEPTH:  # summed by the refresh
        rows = VisitMonthRollup.objects.filter(org=org, month__year=year).values_list(
            "month", "visits"
        )
    else:
        rows = (
            VisitMonthTally.objects.filter(org.subtree_q("org__"), month__year=year)
            .values_list("month")
            .annotate(n=Sum("visits"))
            .order_by()
            .values_list("month", "n")
        )
    for month, n in rows:
        months[month.month - 1] = n
    return months
