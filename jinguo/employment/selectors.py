"""Reads of loans and job fairs, always within the user's scope (the record's org)."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, count_each, figure_url, list_url
from jinguo.common.grouped import Targets, grouped_counts
from jinguo.employment.models import (
    JobFair,
    JobFairChange,
    JobFairEmployer,
    JobPost,
    Loan,
    LoanChange,
)
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import may_write_at, scope_q

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class FairCounts(TypedDict):
    employer_count: int
    post_count: int
    opening_count: int


class EmployerCounts(TypedDict):
    post_count: int
    opening_count: int


# Which date a loan list's period (start/end) applies to.
LOAN_DATES = {"issued": "issued_on", "repaid": "repaid_on", "applied": "applied_on"}


def _check(obj: Any, *, user: User, for_write: bool) -> Any:
    if obj is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=obj.org):
        raise PermissionDenied
    return obj


# --- loans --------------------------------------------------------------------------------------


def loan_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def loans_visible(*, user: User) -> QuerySet[Loan]:
    return Loan.objects.filter(loan_scope_q(user=user))


def loan_get_for_user(*, user: User, loan_id: int, for_write: bool = False) -> Loan:
    loan = (
        loans_visible(user=user)
        .select_related("org", "borrower", "created_by")
        .filter(pk=loan_id)
        .first()
    )
    return _check(loan, user=user, for_write=for_write)


def loan_list(
    *,
    user: User,
    status: str | None = None,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    on: str = "issued",
) -> QuerySet[Loan]:
    """Visible loans, filtered; start/end bound the date named by `on` (issue by default)."""
    loans = loans_visible(user=user).select_related("org", "borrower")
    if org is not None:
        loans = loans.filter(org.subtree_q("org__"))
    if status:
        loans = loans.filter(status=status)
    field = LOAN_DATES.get(on, "issued_on")
    if start:
        loans = loans.filter(**{f"{field}__gte": start})
    if end:
        loans = loans.filter(**{f"{field}__lte": end})
    return loans.order_by("-applied_on", "-id")


def loan_history(*, loan: Loan) -> QuerySet[LoanChange]:
    return loan.changes.select_related("actor")


# --- job fairs ----------------------------------------------------------------------------------


def job_fair_scope_q(*, user: User) -> Q:
    return scope_q(user=user, field="org")


def job_fairs_visible(*, user: User) -> QuerySet[JobFair]:
    return JobFair.objects.filter(job_fair_scope_q(user=user))


def job_fair_get_for_user(*, user: User, fair_id: int, for_write: bool = False) -> JobFair:
    fair = (
        job_fairs_visible(user=user)
        .select_related("org", "venue", "created_by")
        .filter(pk=fair_id)
        .first()
    )
    return _check(fair, user=user, for_write=for_write)


def job_fair_employer_get(*, fair: JobFair, employer_id: int) -> JobFairEmployer:
    """An employer of this fair (the fair already fetched and checked), else 404."""
    employer = fair.employers.filter(pk=employer_id).first()
    if employer is None:
        raise Http404
    employer.fair = fair
    return employer


def _fair_filter(rows: QuerySet[Any], prefix: str, **f: Any) -> QuerySet[Any]:
    if f.get("org") is not None:
        rows = rows.filter(f["org"].subtree_q(f"{prefix}org__"))
    if f.get("start"):
        rows = rows.filter(**{f"{prefix}held_on__gte": f["start"]})
    if f.get("end"):
        rows = rows.filter(**{f"{prefix}held_on__lte": f["end"]})
    return rows


def job_fair_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> "QuerySet[WithAnnotations[JobFair, FairCounts]]":
    """Visible fairs held in the period, each with its employers, posts and openings counted."""
    openings = (
        JobPost.objects.filter(employer__fair=OuterRef("pk"))
        .order_by()
        .values("employer__fair")
        .annotate(total=Sum("openings"))
        .values("total")
    )
    fairs = _fair_filter(
        job_fairs_visible(user=user), "", org=org, start=start, end=end
    ).select_related("org", "venue")
    return fairs.annotate(
        employer_count=Count("employers", distinct=True),
        post_count=Count("employers__posts", distinct=True),
        opening_count=Coalesce(Subquery(openings, output_field=IntegerField()), 0),
    ).order_by("-held_on", "-id")


def job_fair_employers(*, fair: JobFair) -> QuerySet[JobFairEmployer]:
    return fair.employers.prefetch_related("posts").order_by("id")


def job_fair_history(*, fair: JobFair) -> QuerySet[JobFairChange]:
    return fair.changes.select_related("actor")


def employer_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fair: JobFair | None = None,
) -> "QuerySet[WithAnnotations[JobFairEmployer, EmployerCounts]]":
    return (
        _employers(user=user, org=org, start=start, end=end, fair=fair)
        .select_related("fair")
        .annotate(post_count=Count("posts"), opening_count=Coalesce(Sum("posts__openings"), 0))
        .order_by("-fair__held_on", "fair_id", "id")
    )


def _employers(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fair: JobFair | None = None,
) -> QuerySet[JobFairEmployer]:
    """employer_list's rows, without its per-employer counts (for counting employers)."""
    rows = JobFairEmployer.objects.filter(scope_q(user=user, field="fair__org"))
    rows = _fair_filter(rows, "fair__", org=org, start=start, end=end)
    if fair is not None:
        rows = rows.filter(fair=fair)
    return rows


def post_list(
    *,
    user: User,
    org: OrgUnit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fair: JobFair | None = None,
    women_friendly: bool | None = None,
) -> QuerySet[JobPost]:
    rows = JobPost.objects.filter(scope_q(user=user, field="employer__fair__org"))
    rows = _fair_filter(rows, "employer__fair__", org=org, start=start, end=end)
    if fair is not None:
        rows = rows.filter(employer__fair=fair)
    if women_friendly is not None:
        rows = rows.filter(women_friendly=women_friendly)
    return rows.select_related("employer", "employer__fair").order_by(
        "-employer__fair__held_on", "employer_id", "id"
    )


def venue_choices(*, user: User) -> QuerySet[Venue]:
    return Venue.objects.filter(scope_q(user=user, field="org"), is_active=True).select_related(
        "org"
    )


# --- figures ------------------------------------------------------------------------------------


# (path field of the row's unit, rows, conditions, extra aggregates): the counts of the figures.
_Read = tuple[str, QuerySet[Any], dict[str, Q], dict[str, Any]]


def _employment_reads(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[_Read]:
    """The four reads of the figures (loans, fairs, employers, posts) in org's subtree and the
    period, with the conditions of the lists' filters the figures link to."""
    period: dict[str, Any] = {"org": org, "start": start, "end": end}

    def dated(on: str) -> Q:
        field = LOAN_DATES[on]
        return Q(**{f"{field}__gte": start, f"{field}__lte": end})

    return [
        (
            "org__path",
            loan_list(user=user, org=org),
            {
                "loans_issued": dated("issued"),
                "loans_repaid": dated("repaid"),
                "loans_overdue": Q(status=Loan.Status.OVERDUE),
            },
            {"loans_amount": Sum("issued_amount", filter=dated("issued"))},
        ),
        (
            "org__path",
            _fair_filter(job_fairs_visible(user=user), "", **period),
            {"fairs_held": Q()},
            {"visitors": Sum("visitors"), "intents": Sum("intents")},
        ),
        ("fair__org__path", _employers(user=user, **period), {"employers": Q()}, {}),
        (
            "employer__fair__org__path",
            post_list(user=user, **period),
            {"posts": Q()},
            {"openings": Sum("openings")},
        ),
    ]


def employment_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    """Loans issued (count, amount), repaid and overdue; fairs held, employers, posts, openings,
    visitors and intents — in org's subtree and the period, each linking to its records."""
    counts: dict[str, Any] = {}
    for _path, rows, conditions, extra in _employment_reads(
        user=user, org=org, start=start, end=end
    ):
        counts |= count_each(rows, conditions, extra)
    return _employment_figures_of(org=org, start=start, end=end, counts=counts)


def employment_figures_grouped(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, targets: Targets
) -> dict[int, list[Figure]]:
    """employment_figures of every target (units in org's subtree), by pk: each of the four
    reads grouped once per path length, whatever the number of targets."""
    counts: dict[int, dict[str, Any]] = {unit.pk: {} for unit in targets}
    for path, rows, conditions, extra in _employment_reads(
        user=user, org=org, start=start, end=end
    ):
        got = grouped_counts(rows, conditions, path_field=path, targets=targets, extra=extra)
        for pk, unit_counts in got.items():
            counts[pk] |= unit_counts
    return {
        unit.pk: _employment_figures_of(org=unit, start=start, end=end, counts=counts[unit.pk])
        for unit in targets
    }


def _employment_figures_of(
    *, org: OrgUnit, start: dt.date, end: dt.date, counts: dict[str, Any]
) -> list[Figure]:
    """The figures of `org` from its counts (keyed as _employment_reads)."""
    base = {"org": org.pk, "start": start, "end": end}
    loans_url = figure_url(list_url("employment:loan_list"), on="issued", **base)
    fairs_url = figure_url(list_url("employment:fair_list"), **base)
    posts_url = figure_url(list_url("employment:post_list"), **base)
    amount: Decimal = counts["loans_amount"] or Decimal(0)
    return [
        Figure(
            "employment.loans_issued",
            _("发放创业担保贷款"),
            counts["loans_issued"],
            loans_url,
            _("笔"),
        ),
        Figure("employment.loans_amount", _("贷款发放金额"), float(amount), loans_url, _("元")),
        Figure(
            "employment.loans_repaid",
            _("已还清贷款"),
            counts["loans_repaid"],
            figure_url(list_url("employment:loan_list"), on="repaid", **base),
            _("笔"),
        ),
        Figure(
            "employment.loans_overdue",
            _("当前逾期贷款"),
            counts["loans_overdue"],
            figure_url(list_url("employment:loan_list"), status=Loan.Status.OVERDUE, org=org.pk),
            _("笔"),
        ),
        Figure("employment.fairs_held", _("举办招聘会"), counts["fairs_held"], fairs_url, _("场")),
        Figure(
            "employment.fair_employers",
            _("参会用人单位"),
            counts["employers"],
            figure_url(list_url("employment:employer_list"), **base),
            _("家"),
        ),
        Figure("employment.fair_posts", _("提供岗位"), counts["posts"], posts_url, _("个")),
        Figure(
            "employment.fair_openings", _("招聘人数"), counts["openings"] or 0, posts_url, _("人")
        ),
        Figure(
            "employment.fair_visitors", _("求职人数"), counts["visitors"] or 0, fairs_url, _("人")
        ),
        Figure(
            "employment.fair_intents", _("达成就业意向"), counts["intents"] or 0, fairs_url, _("人")
        ),
    ]
