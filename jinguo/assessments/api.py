"""JSON API of assessments and allowances: one APIView per operation, all within the caller's
scope (records through the scoped selectors: out of scope 404, writes by read-only roles 403).
"""

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.assessments import allowances, appeals, selectors, services
from jinguo.assessments.models import Metric
from jinguo.common.api import (
    ERRORS,
    RefSerializer,
    StandardPagination,
    api_input,
    api_org,
    api_paginated,
    api_query,
    api_route,
    api_user,
    figures_api,
)
from jinguo.common.dates import ApiDateField, PeriodSerializer

TAGS = ["assessments"]
ALLOWANCE_TAGS = ["allowances"]


# --- schemes -----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="AssessmentSchemeItem")
class SchemeItemSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(
        choices=Metric.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("测评指标；留空为人工评分项目"),
    )
    name = serializers.CharField(required=False, allow_blank=True, default="")
    weight = serializers.IntegerField(help_text=gettext_lazy("权重；人工评分项目为满分"))


@extend_schema_serializer(component_name="AssessmentGradeBand")
class GradeBandSerializer(serializers.Serializer):
    name = serializers.CharField()
    min = serializers.IntegerField()


@extend_schema_serializer(component_name="AssessmentScheme")
class SchemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    name = serializers.CharField()
    valid_from = serializers.DateField()
    points_target = serializers.IntegerField(allow_null=True)
    grade_bands = GradeBandSerializer(many=True)
    items = SchemeItemSerializer(many=True, source="items.all")


class SchemeListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="assessment_scheme_list",
        summary=gettext_lazy("考核方案列表"),
        tags=TAGS,
        responses={200: SchemeSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        schemes = selectors.schemes_visible(user=api_user(request)).order_by("org__path", "-id")
        return api_paginated(self, schemes, SchemeSerializer)


class SchemeCreateApi(APIView):
    @extend_schema_serializer(component_name="AssessmentSchemeCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False)
        name = serializers.CharField(max_length=100)
        valid_from = ApiDateField()
        points_target = serializers.IntegerField(required=False, allow_null=True, default=None)
        items = SchemeItemSerializer(many=True)
        grade_bands = GradeBandSerializer(many=True, required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="assessment_scheme_create",
        summary=gettext_lazy("新建考核方案（权重之和须为100）"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: SchemeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        scheme = services.scheme_create(actor=user, org=org, **data)
        return Response(SchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)


# --- rounds ------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="AssessmentRound")
class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    scheme = RefSerializer()
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.CharField(
        help_text=gettext_lazy("open 待测算；scoring 评分中；published 已公布；closed 已结束")
    )
    computed_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class RoundListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="assessment_round_list",
        summary=gettext_lazy("考核轮次列表"),
        tags=TAGS,
        responses={200: RoundSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return api_paginated(self, selectors.round_list(user=api_user(request)), RoundSerializer)


class RoundCreateApi(APIView):
    @extend_schema_serializer(component_name="AssessmentRoundCreateInput")
    class InputSerializer(PeriodSerializer):
        org = serializers.IntegerField(required=False)
        name = serializers.CharField(max_length=100)
        start = ApiDateField()
        end = ApiDateField()

    @extend_schema(
        operation_id="assessment_round_create",
        summary=gettext_lazy("新建考核轮次"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: RoundSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        round = services.round_create(actor=user, org=org, **data)
        return Response(RoundSerializer(round).data, status=status.HTTP_201_CREATED)


class RoundComputeApi(APIView):
    @extend_schema(
        operation_id="assessment_round_compute",
        summary=gettext_lazy("测算考核结果（快照各执委的测评数据）"),
        tags=TAGS,
        request=None,
        responses={200: RoundSerializer, **ERRORS},
    )
    def post(self, request: Request, round_id: int) -> Response:
        user = api_user(request)
        round = selectors.round_get_for_user(user=user, round_id=round_id, for_write=True)
        services.assessment_compute(actor=user, round=round)
        return Response(RoundSerializer(round).data)


class RoundPublishApi(APIView):
    @extend_schema(
        operation_id="assessment_round_publish",
        summary=gettext_lazy("公布考核结果"),
        tags=TAGS,
        request=None,
        responses={200: RoundSerializer, **ERRORS},
    )
    def post(self, request: Request, round_id: int) -> Response:
        user = api_user(request)
        round = selectors.round_get_for_user(user=user, round_id=round_id, for_write=True)
        return Response(RoundSerializer(services.round_publish(actor=user, round=round)).data)


# --- results and appeals -----------------------------------------------------------------------


@extend_schema_serializer(component_name="AssessmentResult")
class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    person = RefSerializer()
    org = RefSerializer()
    post = serializers.CharField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    grade = serializers.CharField()
    adjusted = serializers.BooleanField()
    metrics = serializers.DictField(
        help_text=gettext_lazy(
            "每项测评指标：numerator 分子、denominator 分母、score 得分（null 为无数据）、"
            "effective_weight 实际权重、records 相关记录编号"
        )
    )
    manual = serializers.DictField(help_text=gettext_lazy("人工评分：项目 → 得分"))


class ResultListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="AssessmentResultListFilter")
    class FilterSerializer(serializers.Serializer):
        sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)

    @extend_schema(
        operation_id="assessment_result_list",
        summary=gettext_lazy("某轮考核结果列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: ResultSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, round_id: int) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        round = selectors.round_get_for_user(user=user, round_id=round_id)
        results = selectors.result_list(user=user, round=round, sort=wanted.get("sort", "-total"))
        return api_paginated(self, results, ResultSerializer)


class ResultDetailApi(APIView):
    @extend_schema(
        operation_id="assessment_result_detail",
        summary=gettext_lazy("考核结果详情（含各项指标明细）"),
        tags=TAGS,
        responses={200: ResultSerializer, **ERRORS},
    )
    def get(self, request: Request, result_id: int) -> Response:
        result = selectors.result_get_for_user(user=api_user(request), result_id=result_id)
        return Response(ResultSerializer(result).data)


@extend_schema_serializer(component_name="AssessmentAppeal")
class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    result = serializers.IntegerField(source="result_id")
    reason = serializers.CharField()
    status = serializers.CharField(
        help_text=gettext_lazy("pending 待处理；accepted 已采纳；rejected 已驳回")
    )
    filed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    old_total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    new_total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class AppealFileApi(APIView):
    @extend_schema_serializer(component_name="AssessmentAppealInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(
        operation_id="assessment_appeal_file",
        summary=gettext_lazy("对本人考核结果提出申诉（公布后7日内）"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: AppealSerializer, **ERRORS},
    )
    def post(self, request: Request, result_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        # Her own result, kept at the round's unit above her: appeal_file decides who files.
        result = selectors.result_get_for_user(user=user, result_id=result_id)
        appeal = appeals.appeal_file(actor=user, result=result, reason=data["reason"])
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class AppealDecideApi(APIView):
    @extend_schema_serializer(component_name="AssessmentAppealDecisionInput")
    class InputSerializer(serializers.Serializer):
        accept = serializers.BooleanField()
        decision = serializers.CharField(required=False, allow_blank=True, default="")
        new_total = serializers.DecimalField(
            max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
        )

    @extend_schema(
        operation_id="assessment_appeal_decide",
        summary=gettext_lazy("处理考核申诉"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: AppealSerializer, **ERRORS},
    )
    def post(self, request: Request, appeal_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        appeal = selectors.appeal_get_for_user(user=user, appeal_id=appeal_id, for_write=True)
        return Response(
            AppealSerializer(appeals.appeal_decide(actor=user, appeal=appeal, **data)).data
        )


# --- allowances --------------------------------------------------------------------------------


@extend_schema_serializer(component_name="AllowanceStatement")
class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.CharField(
        help_text=gettext_lazy("draft 草稿；confirmed 已确认；paid 已发放")
    )
    policy = serializers.DictField()
    generated_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="AllowanceLine")
class LineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = RefSerializer()
    org = RefSerializer()
    post = serializers.CharField()
    kind = serializers.CharField(help_text=gettext_lazy("regular 核算；adjustment 更正"))
    months = serializers.IntegerField()
    annual_share = serializers.DecimalField(max_digits=9, decimal_places=2)
    duty_days = serializers.IntegerField()
    lost_work_amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    reason = serializers.CharField()


@extend_schema_serializer(component_name="AllowanceStatementDetail")
class StatementDetailSerializer(StatementSerializer):
    lines = serializers.SerializerMethodField()

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, statement: Any) -> list[dict[str, Any]]:
        lines = statement.lines.select_related("person", "org")
        return list(LineSerializer(lines, many=True).data)


class StatementListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="allowance_statement_list",
        summary=gettext_lazy("补贴发放表列表"),
        tags=ALLOWANCE_TAGS,
        responses={200: StatementSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        statements = selectors.statement_list(user=api_user(request))
        return api_paginated(self, statements, StatementSerializer)


class StatementCreateApi(APIView):
    @extend_schema_serializer(component_name="AllowanceStatementCreateInput")
    class InputSerializer(PeriodSerializer):
        org = serializers.IntegerField(required=False)
        start = ApiDateField()
        end = ApiDateField()

    @extend_schema(
        operation_id="allowance_statement_create",
        summary=gettext_lazy("生成补贴发放表"),
        tags=ALLOWANCE_TAGS,
        request=InputSerializer,
        responses={201: StatementDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        statement = allowances.statement_create(actor=user, org=org, **data)
        return Response(StatementDetailSerializer(statement).data, status=status.HTTP_201_CREATED)


class StatementDetailApi(APIView):
    @extend_schema(
        operation_id="allowance_statement_detail",
        summary=gettext_lazy("补贴发放表详情（含明细）"),
        tags=ALLOWANCE_TAGS,
        responses={200: StatementDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, statement_id: int) -> Response:
        statement = selectors.statement_get_for_user(
            user=api_user(request), statement_id=statement_id
        )
        return Response(StatementDetailSerializer(statement).data)


class StatementGenerateApi(APIView):
    @extend_schema(
        operation_id="allowance_statement_generate",
        summary=gettext_lazy("重新生成草稿发放表（替换明细）"),
        tags=ALLOWANCE_TAGS,
        request=None,
        responses={200: StatementDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, statement_id: int) -> Response:
        user = api_user(request)
        statement = selectors.statement_get_for_user(
            user=user, statement_id=statement_id, for_write=True
        )
        statement = allowances.statement_generate(actor=user, statement=statement)
        return Response(StatementDetailSerializer(statement).data)


class StatementConfirmApi(APIView):
    @extend_schema(
        operation_id="allowance_statement_confirm",
        summary=gettext_lazy("确认发放表（确认后锁定）"),
        tags=ALLOWANCE_TAGS,
        request=None,
        responses={200: StatementSerializer, **ERRORS},
    )
    def post(self, request: Request, statement_id: int) -> Response:
        user = api_user(request)
        statement = selectors.statement_get_for_user(
            user=user, statement_id=statement_id, for_write=True
        )
        statement = allowances.statement_confirm(actor=user, statement=statement)
        return Response(StatementSerializer(statement).data)


# --- figures -----------------------------------------------------------------------------------


FiguresApi = figures_api(
    selector=selectors.assessments_figures,
    operation_id="assessments_figures",
    summary=gettext_lazy("考核与补贴统计（按组织与时段）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route("assessments/schemes/", "api-assessment-schemes", SchemeListApi, SchemeCreateApi),
    *api_route("assessments/rounds/", "api-assessment-rounds", RoundListApi, RoundCreateApi),
    path(
        "assessments/rounds/<int:round_id>/compute/",
        RoundComputeApi.as_view(),
        name="api-assessment-round-compute",
    ),
    path(
        "assessments/rounds/<int:round_id>/publish/",
        RoundPublishApi.as_view(),
        name="api-assessment-round-publish",
    ),
    path(
        "assessments/rounds/<int:round_id>/results/",
        ResultListApi.as_view(),
        name="api-assessment-results",
    ),
    path(
        "assessments/results/<int:result_id>/",
        ResultDetailApi.as_view(),
        name="api-assessment-result",
    ),
    path(
        "assessments/results/<int:result_id>/appeal/",
        AppealFileApi.as_view(),
        name="api-assessment-appeal",
    ),
    path(
        "assessments/appeals/<int:appeal_id>/decide/",
        AppealDecideApi.as_view(),
        name="api-assessment-appeal-decide",
    ),
    path("assessments/figures/", FiguresApi.as_view(), name="api-assessment-figures"),
    *api_route(
        "allowances/statements/", "api-allowance-statements", StatementListApi, StatementCreateApi
    ),
    path(
        "allowances/statements/<int:statement_id>/",
        StatementDetailApi.as_view(),
        name="api-allowance-statement",
    ),
    path(
        "allowances/statements/<int:statement_id>/generate/",
        StatementGenerateApi.as_view(),
        name="api-allowance-statement-generate",
    ),
    path(
        "allowances/statements/<int:statement_id>/confirm/",
        StatementConfirmApi.as_view(),
        name="api-allowance-statement-confirm",
    ),
]
