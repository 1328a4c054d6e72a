"""Reads of assessments and allowances, always within the user's scope (orgs.selectors
.scope_q on the record's unit). An executive also sees her own results, wherever the round
was held, so she can read her breakdown and appeal."""

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.assessments.models import (
    AllowanceLine,
    AllowanceStatement,
    Appeal,
    AssessmentResult,
    AssessmentRound,
    AssessmentScheme,
    ResultChange,
    RoundChange,
    StatementChange,
)
from jinguo.common.figures import Figure, count_each, figure_url, list_url
from jinguo.common.grouped import Targets, grouped_count, grouped_counts
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q, user_org

FINAL = (
    AssessmentRound.Status.PUBLISHED,
    AssessmentRound.Status.CLOSED,
)  # results that count: published
COUNTED = (
    AllowanceStatement.Status.CONFIRMED,
    AllowanceStatement.Status.PAID,
)  # statements that count: confirmed


def _check(obj: Any, user: User, for_write: bool, org: str = "org") -> Any:
    """404 when hidden or missing; with `for_write`, 403 unless the user may write at the
    record's unit (the attribute path `org`): a scheme of a unit above her is hers to read,
    not to change."""
    if obj is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=attrgetter(org)(obj)):
        raise PermissionDenied
    return obj


# --- schemes -------------------------------------------------------------------------------


def scheme_scope_q(*, user: User) -> Q:
    """Schemes of her subtree, and those of the units above her (they apply to her)."""
    if not user.has_business_scope:
        return Q(pk__in=[])
    ancestors = tree.ids_in_path(user_org(user).path)
    return scope_q(user=user, field="org") | Q(org_id__in=ancestors)


def schemes_visible(*, user: User) -> QuerySet[AssessmentScheme]:
    return (
        AssessmentScheme.objects.filter(scheme_scope_q(user=user))
        .select_related("org")
        .prefetch_related("items")
    )


def scheme_get_for_user(*, user: User, scheme_id: int, for_write: bool = False) -> AssessmentScheme:
    return _check(schemes_visible(user=user).filter(pk=scheme_id).first(), user, for_write)


# --- rounds and results --------------------------------------------------------------------


def round_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def rounds_visible(*, user: User) -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.filter(round_scope_q(user=user)).select_related("org", "scheme")


def round_list(*, user: User, org: OrgUnit | None = None) -> QuerySet[AssessmentRound]:
    rounds = rounds_visible(user=user).annotate(
        result_count=Count("results", distinct=True),
        pending_appeals=Count(
            "results__appeal", filter=Q(results__appeal__status=Appeal.Status.PENDING)
        ),
    )
    if org is not None:
        rounds = rounds.filter(org.subtree_q("org__"))
    return rounds.order_by("-end", "-id")


def round_get_for_user(*, user: User, round_id: int, for_write: bool = False) -> AssessmentRound:
    return _check(rounds_visible(user=user).filter(pk=round_id).first(), user, for_write)


def round_history(*, round: AssessmentRound) -> QuerySet[RoundChange]:
    return round.changes.select_related("actor")


def result_scope_q(*, user: User) -> Q:
    own = Q(person_id=user.person_id) if user.has_business_scope and user.person_id else Q()
    scoped = scope_q(user=user, field="round__org")
    return scoped | own if own else scoped


def results_visible(*, user: User) -> QuerySet[AssessmentResult]:
    return AssessmentResult.objects.filter(result_scope_q(user=user))


SORTS = {
    "total": ("total", "id"),
    "-total": ("-total", "id"),
    "name": ("person__name", "id"),
    "grade": ("grade", "-total", "id"),
    "org": ("org__path", "-total", "id"),
}


def result_list(
    *,
    user: User,
    round: AssessmentRound | None = None,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    final: bool = False,
    grade: str | None = None,
    appeal: str | None = None,
    sort: str = "-total",
) -> QuerySet[AssessmentResult]:
    """Results with person, unit, round and appeal in the same query. A period selects rounds
    that end in it; `final` only published (or closed) rounds."""
    results = results_visible(user=user).select_related(
        "person", "org", "round", "round__org", "appeal"
    )
    if round is not None:
        results = results.filter(round=round)
    if org is not None:
        results = results.filter(org.subtree_q("round__org__"))
    if start is not None:
        results = results.filter(round__end__gte=start)
    if end is not None:
        results = results.filter(round__end__lte=end)
    if final:
        results = results.filter(round__status__in=FINAL)
    if grade:
        results = results.filter(grade=grade)
    if appeal:
        results = results.filter(appeal__status=appeal)
    return results.order_by(*SORTS.get(sort, SORTS["-total"]))


def result_get_for_user(*, user: User, result_id: int, for_write: bool = False) -> AssessmentResult:
    result = (
        results_visible(user=user)
        .select_related("person", "org", "round", "round__org", "round__scheme")
        .filter(pk=result_id)
        .first()
    )
    return _check(result, user, for_write, org="round.org")


def result_appeal(*, result: AssessmentResult) -> Appeal | None:
    return Appeal.objects.filter(result=result).select_related("filed_by", "decided_by").first()


def appeal_get_for_user(*, user: User, appeal_id: int, for_write: bool = False) -> Appeal:
    appeal = (
        Appeal.objects.filter(result__in=results_visible(user=user).values("pk"))
        .select_related("result", "result__round", "result__round__org")
        .filter(pk=appeal_id)
        .first()
    )
    return _check(appeal, user, for_write, org="result.round.org")


def result_history(*, result: AssessmentResult) -> QuerySet[ResultChange]:
    return result.changes.select_related("actor")


# --- allowances ----------------------------------------------------------------------------


def statement_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def statements_visible(*, user: User) -> QuerySet[AllowanceStatement]:
    return AllowanceStatement.objects.filter(statement_scope_q(user=user)).select_related("org")


def statement_list(*, user: User, org: OrgUnit | None = None) -> QuerySet[AllowanceStatement]:
    statements = statements_visible(user=user).annotate(
        line_count=Count("lines", filter=Q(lines__kind=AllowanceLine.Kind.REGULAR)),
        amount=Sum("lines__total"),
    )
    if org is not None:
        statements = statements.filter(org.subtree_q("org__"))
    return statements.order_by("-end", "-id")


def statement_get_for_user(
    *, user: User, statement_id: int, for_write: bool = False
) -> AllowanceStatement:
    return _check(statements_visible(user=user).filter(pk=statement_id).first(), user, for_write)


def statement_history(*, statement: AllowanceStatement) -> QuerySet[StatementChange]:
    return statement.changes.select_related("actor")


def paid_q() -> Q:
    """The computed lines with an amount: one per executive paid and statement."""
    return Q(kind=AllowanceLine.Kind.REGULAR, total__gt=0)


def line_list(
    *,
    user: User,
    statement: AllowanceStatement | None = None,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    counted: bool = False,
    paid_only: bool = False,
) -> QuerySet[AllowanceLine]:
    """Lines with person, unit and statement in the same query. A period selects statements
    that end in it; `counted` only confirmed (or paid) statements; `paid_only` only the
    computed lines with an amount (one per executive and statement)."""
    lines = AllowanceLine.objects.filter(
        statement__in=statements_visible(user=user).values("pk")
    ).select_related("person", "org", "statement", "statement__org")
    if statement is not None:
        lines = lines.filter(statement=statement)
    if org is not None:
        lines = lines.filter(org.subtree_q("statement__org__"))
    if start is not None:
        lines = lines.filter(statement__end__gte=start)
    if end is not None:
        lines = lines.filter(statement__end__lte=end)
    if counted:
        lines = lines.filter(statement__status__in=COUNTED)
    if paid_only:
        lines = lines.filter(paid_q())
    return lines.order_by("statement_id", "kind", "org__path", "person__name", "id")


def line_totals(lines: QuerySet[AllowanceLine]) -> dict[str, Any]:
    sums = lines.order_by().aggregate(
        annual=Sum("annual_share"),
        days=Sum("duty_days"),
        lost=Sum("lost_work_amount"),
        total=Sum("total"),
    )
    zero = Decimal("0.00")
    return {
        "annual": sums["annual"] or zero,
        "days": sums["days"] or 0,
        "lost": sums["lost"] or zero,
        "total": sums["total"] or zero,
    }


# --- figures -------------------------------------------------------------------------------


def _line_sums() -> dict[str, Any]:
    return {"total": Sum("total"), "days": Sum("duty_days")}


def assessments_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Executives assessed (published results of rounds ending in the period), by grade, appeals
    pending; allowance amount, duty days and executives paid in confirmed statements ending in
    the period. Each links to the list of exactly the rows it counts."""
    results = result_list(user=user, org=org, start=start, end=end, final=True).order_by()
    # Grades from the best (优秀) down, as the bands rank them: by the highest total in each.
    graded = results.values("grade").annotate(n=Count("id"), best=Max("total"))
    pending = result_list(user=user, org=org, start=start, end=end, appeal="pending")
    lines = line_list(user=user, org=org, start=start, end=end, counted=True)
    counts = {
        "by_grade": {row["grade"]: row["n"] for row in graded.order_by("-best", "grade")},
        "pending": pending.count(),
        **count_each(lines, {"paid": paid_q()}, extra=_line_sums()),
    }
    return assessments_figures_from(counts, org=org, start=start, end=end)


def assessments_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """assessments_figures of every target (units in org's subtree), from the same scoped
    lists over org's subtree grouped by the target a row lies under: three queries per path
    length of the targets."""
    results = result_list(user=user, org=org, start=start, end=end, final=True).order_by()
    by_grade: dict[int, dict[str, int]] = {unit.pk: {} for unit in targets}
    for pass_ in targets.passes():
        graded = (
            pass_.rows(results, "round__org__path")
            .values("_unit_path", "grade")
            .annotate(n=Count("id"), best=Max("total"))
            .order_by("_unit_path", "-best", "grade")  # each unit's grades as the single read's
            .values_list("_unit_path", "grade", "n", "best")
        )
        for path, grade, n, _best in graded:
            unit = pass_.units.get(path)
            if unit is not None:
                by_grade[unit.pk][grade] = n
    pending = grouped_count(
        result_list(user=user, org=org, start=start, end=end, appeal="pending"),
        path_field="round__org__path",
        targets=targets,
    )
    lines = grouped_counts(
        line_list(user=user, org=org, start=start, end=end, counted=True),
        {"paid": paid_q()},
        path_field="statement__org__path",
        targets=targets,
        extra=_line_sums(),
    )
    return {
        unit.pk: assessments_figures_from(
            {"by_grade": by_grade[unit.pk], "pending": pending[unit.pk], **lines[unit.pk]},
            org=unit,
            start=start,
            end=end,
        )
        for unit in targets
    }


def assessments_figures_from(
    counts: dict[str, Any], *, org: OrgUnit, start: dt.date, end: dt.date
) -> list[Figure]:
    """The figures of org's subtree from `counts`: results "by_grade" (grade → results, from
    the best grade down), appeals "pending", and the counted lines' "total" amount and duty
    "days" (sums, None: no line) and lines "paid"."""
    period = {"org": org.pk, "start": start, "end": end}
    by_grade: dict[str, int] = counts["by_grade"]
    figures = [
        Figure(
            key="assessments.assessed",
            label=_("参加考核执委"),
            value=sum(by_grade.values()),
            url=figure_url(list_url("assessments:results"), final=1, **period),
            unit=_("人次"),
        )
    ]
    for grade, n in by_grade.items():
        figures.append(
            Figure(
                key=f"assessments.grade.{grade}",
                label=grade,
                value=n,
                url=figure_url(list_url("assessments:results"), final=1, grade=grade, **period),
                unit=_("人次"),
            )
        )
    figures.append(
        Figure(
            key="assessments.appeals_pending",
            label=_("待处理申诉"),
            value=counts["pending"],
            url=figure_url(list_url("assessments:results"), appeal="pending", **period),
            unit=_("件"),
        )
    )
    lines_url = figure_url(list_url("assessments:lines"), counted=1, **period)
    figures += [
        Figure(
            key="allowances.amount",
            label=_("补贴发放金额"),
            value=float(counts["total"] or 0),
            url=lines_url,
            unit=_("元"),
        ),
        Figure(
            key="allowances.duty_days",
            label=_("履职天数"),
            value=int(counts["days"] or 0),
            url=lines_url,
            unit=_("天"),
        ),
        Figure(
            key="allowances.paid",
            label=_("领取补贴执委"),
            value=counts["paid"],
            url=figure_url(list_url("assessments:lines"), counted=1, paid=1, **period),
            unit=_("人次"),
        ),
    ]
    return figures
