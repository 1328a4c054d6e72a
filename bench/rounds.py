"""The `rounds` part of bench.run: report rounds (jinguo.rounds) on the generated county.

(a) `round_create` from the county to every village and community of it, as `county1_cadre`,
    each target's figures filled (the writes are rolled back);
(b) one unit's draft: `read_figures` + `draft_report` (what the draft page computes), p50/p95
    over `--round-units` villages and communities spread over the county;
(a') the same for every village, community and grid of the county (≈1,100 units: the size of a
    city's round to its villages and communities, ≈1,000);
(c) the county's consolidated report (.docx) of (a)'s round with every unit answered (their
    submissions written straight from the filled figures): `consolidated_report` +
    `report_docx`, the writes rolled back;
(d) a unit's report as .docx and .pdf (`report_docx`, `report_pdf`, the report built).

Floors measured in the same run, so that the ratios survive a slow machine: a trivial query
(one `exists()` on an indexed key), and the dashboard's own reads of the same unit and period
(`dashboard_sections`: every figure a round fills is one of them). For (a), also the bare
writes of a round of the same size (the round and its targets, figures left empty): what
`round_create` would cost if filling were free.
"""

import datetime as dt
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.reports.gongwen import report_docx
from jinguo.reports.gongwen_pdf import report_pdf
from jinguo.reports.narrative import build_work_report
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.tallies import tallies_refresh
from jinguo.rounds.consolidated import consolidated_report
from jinguo.rounds.filling import draft_report, live_figures_for, read_figures
from jinguo.rounds.models import Round, Submission, Target
from jinguo.rounds.services import round_create

CADRE = "county1_cadre"


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _spread(units: list[OrgUnit], n: int) -> list[OrgUnit]:
    step = max(len(units) / max(n, 1), 1)
    return [units[int(i * step)] for i in range(min(n, len(units)))]


class _Rollback(Exception):
    pass


def _round_create(user: User, county: OrgUnit, units: list[OrgUnit], period: Any) -> float:
    return _create(user, county, units, period)[0]


def _create(user: User, county: OrgUnit, units: list[OrgUnit], period: Any) -> tuple[float, Round]:
    start, end = period
    return _ms(
        lambda: round_create(
            actor=user,
            org=county,
            title="bench",
            kind=Round.Kind.WORK_REPORT,
            start=start,
            end=end,
            deadline=end + dt.timedelta(days=5),
            targets=units,
        )
    )


def _consolidated(user: User, county: OrgUnit, units: list[OrgUnit], period: Any) -> float:
    """The consolidated .docx of a round every unit has answered (rolled back by the caller)."""
    _ms_create, round_ = _create(user, county, units, period)
    now = timezone.now()
    targets = list(round_.targets.select_related("org"))
    live = live_figures_for(user=user, round_=round_, orgs=[t.org for t in targets])
    Submission.objects.bulk_create(
        Submission(target=t, version=1, figures=live[t.org_id], submitted_by=user, submitted_at=now)
        for t in targets
    )
    round_.targets.update(status=Target.Status.SUBMITTED, first_submitted_at=now)
    return _ms(lambda: report_docx(consolidated_report(user=user, round_=round_)))[0]


def _bare_writes(user: User, county: OrgUnit, units: list[OrgUnit], period: Any) -> float:
    start, end = period

    def write() -> None:
        with transaction.atomic():
            round_ = Round.objects.create(
                org=county,
                title="bench",
                kind=Round.Kind.WORK_REPORT,
                start=start,
                end=end,
                deadline=end,
                created_by=user,
            )
            Target.objects.bulk_create(Target(round=round_, org=u) for u in units)

    return _ms(write)[0]


def _rolled_back(fn: Callable[[], float]) -> float:
    """fn's time; whatever it wrote is rolled back (the bench database stays as generated)."""
    result = 0.0
    try:
        with transaction.atomic():
            result = fn()
            raise _Rollback
    except _Rollback:
        pass
    return result


def measure_rounds(samples: int) -> list[str]:
    """The part's lines, ready to print."""
    settings.TALLY_MAX_AGE_SECONDS = 3600  # tallies kept fresh, as by the refresher
    tallies_refresh(full=True)
    user = User.objects.select_related("org").get(username=CADRE)
    county = user.org
    if county is None:
        raise SystemExit(f"{CADRE} has no organisation: generate the county first")
    units = list(
        OrgUnit.objects.filter(
            county.subtree_q(), kind__in=[Kind.VILLAGE, Kind.COMMUNITY], is_active=True
        ).order_by("path")
    )
    city_size = list(
        OrgUnit.objects.filter(
            county.subtree_q(), kind__in=[Kind.VILLAGE, Kind.COMMUNITY, Kind.GRID], is_active=True
        ).order_by("path")
    )
    today = timezone.localdate()
    period = (today.replace(month=1, day=1), today)
    work = Round(kind=Round.Kind.WORK_REPORT, start=period[0], end=period[1])
    sample = _spread(units, samples)

    def dashboard(org: OrgUnit) -> float:
        return _ms(lambda: dashboard_sections(user=user, org=org, start=period[0], end=period[1]))[
            0
        ]

    dashboard(county)  # warm-up: imports, translations, first connections
    trivial = statistics.median(
        _ms(lambda: OrgUnit.objects.filter(pk=county.pk).exists())[0] for _ in range(50)
    )
    reads, drafts, docx, pdf = [], [], [], []
    for unit in sample:
        reads.append(dashboard(unit))
        figures_ms = _ms(partial(read_figures, user=user, org=unit, round_=work))[0]
        draft_ms, report = _ms(partial(draft_report, user=user, org=unit, round_=work))
        drafts.append(figures_ms + draft_ms)
        docx.append(_ms(partial(report_docx, report))[0])
        pdf.append(_ms(partial(report_pdf, report))[0])
    unit_reads = statistics.median(reads)
    county_reads = dashboard(county)
    build_ms, county_report = _ms(
        lambda: build_work_report(
            user=user, org=county, start=period[0], end=period[1], today=today
        )
    )
    county_docx_ms = _ms(lambda: report_docx(county_report))[0]
    bare = _rolled_back(lambda: _bare_writes(user, county, units, period))
    create = _rolled_back(lambda: _round_create(user, county, units, period))
    create_city = _rolled_back(lambda: _round_create(user, county, city_size, period))
    consolidated = _rolled_back(lambda: _consolidated(user, county, units, period))
    n = len(units)

    def x(ms: float, floor: float) -> str:
        return f"{ms / floor:6.1f} ×"

    return [
        f"floors: a trivial query {trivial:.2f} ms; a unit's dashboard reads p50 "
        f"{unit_reads:.0f} ms (n={len(reads)}); the county's {county_reads:.0f} ms",
        f"(a) round_create, {n} units ({CADRE}): {create / 1000:.2f} s, {create / n:.0f} ms "
        f"a unit = {x(create / n, unit_reads)} a unit's dashboard reads; the bare writes "
        f"of the same round {bare:.0f} ms (round_create is {create / bare:.0f} × that)",
        f"(a') round_create, {len(city_size)} units (villages, communities and grids): "
        f"{create_city / 1000:.2f} s, {create_city / len(city_size):.1f} ms a unit",
        f"(b) a unit's draft (read_figures + draft_report), n={len(drafts)}: "
        f"p50 {statistics.median(drafts):.0f} ms, p95 {_p(drafts, 0.95):.0f} ms = "
        f"{x(statistics.median(drafts), unit_reads)} / {x(_p(drafts, 0.95), unit_reads)} "
        f"the unit's dashboard reads",
        f"(c) the county's report: build_work_report {build_ms:.0f} ms "
        f"({x(build_ms, county_reads)} the county's dashboard reads) + report_docx "
        f"{county_docx_ms:.0f} ms = {(build_ms + county_docx_ms) / 1000:.2f} s; the "
        f"consolidated report of (a)'s round, {n} units answered (consolidated_report + "
        f"report_docx): {consolidated / 1000:.2f} s",
        f"(d) a unit's report, built: report_docx p50 {statistics.median(docx):.0f} ms "
        f"(p95 {_p(docx, 0.95):.0f}), report_pdf p50 {statistics.median(pdf):.0f} ms "
        f"(p95 {_p(pdf, 0.95):.0f}) = {x(statistics.median(docx), unit_reads)} / "
        f"{x(statistics.median(pdf), unit_reads)} the unit's dashboard reads",
    ]
