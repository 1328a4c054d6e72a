"""JSON API of loans and job fairs. Records come through the selectors' fetch-and-check: out of
scope is a 404, a write by a read-only role a 403. Persons and venues posted by id are fetched
through their scoped selectors (another village's person is "不存在")."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.common.api import (
    ERRORS,
    RefSerializer,
    StandardPagination,
    api_input,
    api_paginated,
    api_query,
    api_route,
    api_user,
    figures_api,
    many_data,
)
from jinguo.common.dates import ApiDateField
from jinguo.employment import selectors, services
from jinguo.employment.models import JobFair, Loan, LoanChange
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.selectors import person_get_for_user

TAGS = ["employment"]


# --- loans --------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Loan")
class LoanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    borrower = RefSerializer()
    org = RefSerializer()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    bank = serializers.CharField()
    purpose = serializers.CharField()
    term_months = serializers.IntegerField()
    interest_subsidy = serializers.BooleanField()
    status = serializers.CharField(
        help_text=gettext_lazy("applied/approved/issued/repaid/overdue/rejected")
    )
    status_label = serializers.CharField(source="get_status_display")
    applied_on = serializers.DateField()
    approved_on = serializers.DateField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    issued_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    repaid_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="LoanChange")
class LoanChangeSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()


@extend_schema_serializer(component_name="LoanDetail")
class LoanDetailSerializer(LoanSerializer):
    reason = serializers.CharField()
    allowed_actions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, loan: Loan) -> list[str]:
        return services.allowed_actions(loan)

    @extend_schema_field(LoanChangeSerializer(many=True))
    def get_history(self, loan: Loan) -> list[dict[str, Any]]:
        return many_data(LoanChangeSerializer(selectors.loan_history(loan=loan), many=True))


def _loan(request: Request, loan_id: int, code: int = status.HTTP_200_OK) -> Response:
    loan = selectors.loan_get_for_user(user=api_user(request), loan_id=loan_id)
    return Response(LoanDetailSerializer(loan).data, status=code)


class LoanListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="LoanListFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.CharField(required=False, help_text=gettext_lazy("状态代码"))
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("组织（含下级）"))
        start = ApiDateField(required=False)
        end = ApiDateField(required=False)
        on = serializers.CharField(
            required=False,
            help_text=gettext_lazy(
                "start/end 所指日期：issued 放款（默认）、repaid 还清、applied 申请"
            ),
        )

    @extend_schema(
        operation_id="loan_list",
        summary=gettext_lazy("创业担保贷款列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: LoanSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        if "org" in wanted:
            wanted["org"] = org_get_for_user(user=user, org_id=wanted["org"])
        return api_paginated(self, selectors.loan_list(user=user, **wanted), LoanSerializer)


class LoanApplyApi(APIView):
    @extend_schema_serializer(component_name="LoanApplyInput")
    class InputSerializer(serializers.Serializer):
        borrower = serializers.IntegerField(help_text=gettext_lazy("借款人（女性）"))
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        bank = serializers.CharField(max_length=100)
        purpose = serializers.CharField(max_length=200)
        term_months = serializers.IntegerField()
        interest_subsidy = serializers.BooleanField(required=False, default=True)
        applied_on = ApiDateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="loan_apply",
        summary=gettext_lazy("登记贷款申请"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: LoanDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        try:
            borrower = person_get_for_user(
                user=user, person_id=data.pop("borrower"), for_write=True
            )
        except Http404:
            raise ValidationError({"borrower": [_("所选人员不存在")]}) from None
        loan = services.loan_apply(actor=user, borrower=borrower, **data)
        return _loan(request, loan.pk, status.HTTP_201_CREATED)


class LoanDetailApi(APIView):
    @extend_schema(
        operation_id="loan_detail",
        summary=gettext_lazy("贷款详情及变更记录"),
        tags=TAGS,
        responses={200: LoanDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, loan_id: int) -> Response:
        return _loan(request, loan_id)


def _need(data: dict[str, Any], field: str) -> Any:
    if data.get(field) is None:
        raise ValidationError({field: [_("该操作须填写此项")]})
    return data[field]


LoanRun = Callable[[Any, Loan, dict[str, Any]], Any]
LOAN_RUNS: dict[str, LoanRun] = {
    LoanChange.Action.APPROVE: lambda u, loan, d: services.loan_approve(
        actor=u, loan=loan, approved_on=d["date"], note=d["note"]
    ),
    LoanChange.Action.REJECT: lambda u, loan, d: services.loan_reject(
        actor=u, loan=loan, reason=d["reason"]
    ),
    LoanChange.Action.ISSUE: lambda u, loan, d: services.loan_issue(
        actor=u, loan=loan, issued_on=_need(d, "date"), issued_amount=d["amount"], note=d["note"]
    ),
    LoanChange.Action.OVERDUE: lambda u, loan, d: services.loan_mark_overdue(
        actor=u, loan=loan, note=d["note"]
    ),
    LoanChange.Action.REPAY: lambda u, loan, d: services.loan_repay(
        actor=u, loan=loan, repaid_on=_need(d, "date"), note=d["note"]
    ),
}


class LoanActionApi(APIView):
    @extend_schema_serializer(component_name="LoanActionInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.CharField(
            help_text=gettext_lazy(
                "approve 审批通过（date 可选）；reject 不予通过（reason）；"
                "issue 放款（date, amount 可选）；overdue 登记逾期；repay 还清（date）"
            )
        )
        date = ApiDateField(required=False, allow_null=True, default=None)
        amount = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
        )
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="loan_action",
        summary=gettext_lazy("贷款办理：审批、放款、逾期、还清、不予通过"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: LoanDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, loan_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        run = LOAN_RUNS.get(data["action"])
        if run is None:
            raise ValidationError({"action": [_("未知的操作")]})
        loan = selectors.loan_get_for_user(user=user, loan_id=loan_id, for_write=True)
        run(user, loan, data)
        return _loan(request, loan_id)


# --- job fairs ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="JobFair")
class JobFairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    title = serializers.CharField()
    held_on = serializers.DateField()
    venue = RefSerializer(allow_null=True)
    place = serializers.CharField()
    online = serializers.BooleanField()
    visitors = serializers.IntegerField(allow_null=True)
    intents = serializers.IntegerField(allow_null=True)
    employer_count = serializers.IntegerField(required=False)
    post_count = serializers.IntegerField(required=False)
    opening_count = serializers.IntegerField(required=False)


@extend_schema_serializer(component_name="JobPost")
class JobPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    openings = serializers.IntegerField()
    women_friendly = serializers.BooleanField()
    salary = serializers.CharField()


@extend_schema_serializer(component_name="JobFairEmployer")
class JobFairEmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = serializers.CharField()
    posts = JobPostSerializer(many=True, source="posts.all")


@extend_schema_serializer(component_name="JobFairDetail")
class JobFairDetailSerializer(JobFairSerializer):
    employers = serializers.SerializerMethodField()

    @extend_schema_field(JobFairEmployerSerializer(many=True))
    def get_employers(self, fair: JobFair) -> list[dict[str, Any]]:
        rows = selectors.job_fair_employers(fair=fair)
        return many_data(JobFairEmployerSerializer(rows, many=True))


def _fair(request: Request, fair_id: int, code: int = status.HTTP_200_OK) -> Response:
    fair = selectors.job_fair_get_for_user(user=api_user(request), fair_id=fair_id)
    return Response(JobFairDetailSerializer(fair).data, status=code)


class JobFairListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="JobFairListFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("组织（含下级）"))
        start = ApiDateField(required=False, help_text=gettext_lazy("举办日期起"))
        end = ApiDateField(required=False, help_text=gettext_lazy("举办日期止"))

    @extend_schema(
        operation_id="job_fair_list",
        summary=gettext_lazy("招聘会列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: JobFairSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        if "org" in wanted:
            wanted["org"] = org_get_for_user(user=user, org_id=wanted["org"])
        return api_paginated(self, selectors.job_fair_list(user=user, **wanted), JobFairSerializer)


class JobFairCreateApi(APIView):
    @extend_schema_serializer(component_name="JobFairCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(help_text=gettext_lazy("主办组织"))
        title = serializers.CharField(max_length=100)
        held_on = ApiDateField()
        venue = serializers.IntegerField(required=False, allow_null=True, default=None)
        place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        online = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="job_fair_create",
        summary=gettext_lazy("登记招聘会"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: JobFairDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=data.pop("org"), for_write=True)
        venue_id = data.pop("venue")
        venue = None
        if venue_id:
            venue = selectors.venue_choices(user=user).filter(pk=venue_id).first()
            if venue is None:
                raise ValidationError({"venue": [_("所选阵地不存在")]})
        fair = services.job_fair_create(actor=user, org=org, venue=venue, **data)
        return _fair(request, fair.pk, status.HTTP_201_CREATED)


class JobFairDetailApi(APIView):
    @extend_schema(
        operation_id="job_fair_detail",
        summary=gettext_lazy("招聘会详情：参会单位与岗位"),
        tags=TAGS,
        responses={200: JobFairDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, fair_id: int) -> Response:
        return _fair(request, fair_id)


class JobFairEmployerAddApi(APIView):
    @extend_schema_serializer(component_name="JobFairEmployerInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        sector = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)

    @extend_schema(
        operation_id="job_fair_employer_add",
        summary=gettext_lazy("添加参会单位"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: JobFairDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, fair_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        fair = selectors.job_fair_get_for_user(user=user, fair_id=fair_id, for_write=True)
        services.job_fair_add_employer(actor=user, fair=fair, **data)
        return _fair(request, fair_id, status.HTTP_201_CREATED)


class JobFairPostAddApi(APIView):
    @extend_schema_serializer(component_name="JobFairPostInput")
    class InputSerializer(serializers.Serializer):
        employer = serializers.IntegerField(help_text=gettext_lazy("本场招聘会的参会单位"))
        title = serializers.CharField(max_length=100)
        openings = serializers.IntegerField()
        women_friendly = serializers.BooleanField(required=False, default=False)
        salary = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)

    @extend_schema(
        operation_id="job_fair_post_add",
        summary=gettext_lazy("添加招聘岗位"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: JobFairDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, fair_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        fair = selectors.job_fair_get_for_user(user=user, fair_id=fair_id, for_write=True)
        employer = fair.employers.filter(pk=data.pop("employer")).first()
        if employer is None:
            raise ValidationError({"employer": [_("该单位不在本场招聘会中")]})
        employer.fair = fair
        services.job_fair_add_post(actor=user, employer=employer, **data)
        return _fair(request, fair_id, status.HTTP_201_CREATED)


class JobFairResultsApi(APIView):
    @extend_schema_serializer(component_name="JobFairResultsInput")
    class InputSerializer(serializers.Serializer):
        visitors = serializers.IntegerField(help_text=gettext_lazy("求职人数"))
        intents = serializers.IntegerField(help_text=gettext_lazy("达成意向人数（不超过求职人数）"))
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="job_fair_results",
        summary=gettext_lazy("登记招聘会成效"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: JobFairDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, fair_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        fair = selectors.job_fair_get_for_user(user=user, fair_id=fair_id, for_write=True)
        services.job_fair_record_results(actor=user, fair=fair, **data)
        return _fair(request, fair_id)


EmploymentFiguresApi = figures_api(
    selector=selectors.employment_figures,
    operation_id="employment_figures",
    summary=gettext_lazy("就业创业统计（按组织与时段）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route("employment/loans/", "api-loans", LoanListApi, LoanApplyApi),
    path("employment/loans/<int:loan_id>/", LoanDetailApi.as_view(), name="api-loan"),
    path(
        "employment/loans/<int:loan_id>/actions/", LoanActionApi.as_view(), name="api-loan-actions"
    ),
    *api_route("employment/fairs/", "api-job-fairs", JobFairListApi, JobFairCreateApi),
    path("employment/fairs/<int:fair_id>/", JobFairDetailApi.as_view(), name="api-job-fair"),
    path(
        "employment/fairs/<int:fair_id>/employers/",
        JobFairEmployerAddApi.as_view(),
        name="api-job-fair-employers",
    ),
    path(
        "employment/fairs/<int:fair_id>/posts/",
        JobFairPostAddApi.as_view(),
        name="api-job-fair-posts",
    ),
    path(
        "employment/fairs/<int:fair_id>/results/",
        JobFairResultsApi.as_view(),
        name="api-job-fair-results",
    ),
    path("employment/figures/", EmploymentFiguresApi.as_view(), name="api-employment-figures"),
]
