"""JSON API of the case loop. Cases come through `case_get_for_user`: out of scope is a 404
like a missing case, an action by a read-only role (or at a unit the caller does not handle)
a 403. All transitions share one endpoint, POST /cases/{id}/actions/, with an `action` field.

Choice values are plain strings documented in help texts: enum components named after common
field names (kind, status, role) would collide with other apps' enums in the schema.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.cases import selectors, services
from jinguo.cases.handlers import case_handler_choices
from jinguo.cases.models import Case, CaseTransition
from jinguo.common.api import (
    ERRORS,
    RefSerializer,
    StandardPagination,
    api_input,
    api_paginated,
    api_query,
    api_route,
    api_user,
    many_data,
)
from jinguo.common.dates import ApiDateField, PeriodSerializer
from jinguo.orgs.selectors import org_get_for_user

TAGS = ["cases"]


@extend_schema_serializer(component_name="Case")
class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField(help_text=gettext_lazy("类型代码"))
    kind_label = serializers.CharField(source="get_kind_display")
    is_high_risk = serializers.BooleanField()
    title = serializers.CharField()
    status = serializers.CharField(help_text=gettext_lazy("状态代码"))
    status_label = serializers.CharField(source="get_status_display")
    supervision = serializers.CharField(help_text=gettext_lazy("none / yellow / red"))
    org = RefSerializer(help_text=gettext_lazy("承办组织"))
    origin_org = RefSerializer(help_text=gettext_lazy("上报组织"))
    assignee = RefSerializer(allow_null=True)
    due_at = serializers.DateTimeField()
    time_left_ratio = serializers.SerializerMethodField()
    is_warning = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_time_left_ratio(self, case: Case) -> float | None:
        return selectors.case_clock(case, self.context.get("now")).time_left_ratio

    @extend_schema_field(serializers.BooleanField())
    def get_is_warning(self, case: Case) -> bool:
        return selectors.case_clock(case, self.context.get("now")).is_warning

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, case: Case) -> bool:
        return selectors.case_clock(case, self.context.get("now")).is_overdue


@extend_schema_serializer(component_name="CaseTransition")
class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()


@extend_schema_serializer(component_name="CaseParticipant")
class ParticipantSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    role = serializers.CharField(help_text=gettext_lazy("mediator 调解员；assistant 协助"))


@extend_schema_serializer(component_name="CaseDetail")
class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField()
    reporter_name = serializers.CharField()
    reporter_phone = serializers.CharField(
        source="masked_reporter_phone", help_text=gettext_lazy("已隐藏中间位")
    )
    outcome = serializers.CharField()
    satisfaction = serializers.IntegerField(allow_null=True)
    sensitive = serializers.BooleanField(help_text=gettext_lazy("敏感案件：不写入报告的典型案事件"))
    household = serializers.IntegerField(source="household_id", allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, case: Case) -> list[str]:
        return [a for a in services.allowed_actions(case) if a in RUNS]

    @extend_schema_field(TransitionSerializer(many=True))
    def get_transitions(self, case: Case) -> list[dict[str, Any]]:
        rows = selectors.case_timeline(case=case)
        return many_data(TransitionSerializer(rows, many=True))

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, case: Case) -> list[dict[str, Any]]:
        rows = selectors.case_participants(case=case)
        return many_data(ParticipantSerializer(rows, many=True))


def _detail(request: Request, case_id: int, code: int = status.HTTP_200_OK) -> Response:
    case = selectors.case_get_for_user(user=api_user(request), case_id=case_id)
    return Response(CaseDetailSerializer(case).data, status=code)


class CaseListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="CaseListFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.CharField(required=False, help_text=gettext_lazy("状态代码"))
        kind = serializers.CharField(required=False, help_text=gettext_lazy("类型代码"))
        supervision = serializers.CharField(required=False, help_text=gettext_lazy("督办"))
        overdue = serializers.BooleanField(required=False, help_text=gettext_lazy("已超期"))
        warning = serializers.BooleanField(
            required=False, help_text=gettext_lazy("临期：剩余时间不足 30 %")
        )

    @extend_schema(
        operation_id="case_list",
        summary=gettext_lazy("纠纷诉求列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: CaseSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted = api_query(self.FilterSerializer, request)
        cases = selectors.case_list(user=api_user(request), **wanted)
        return api_paginated(self, cases, CaseSerializer)


class CaseReportApi(APIView):
    @extend_schema_serializer(component_name="CaseReportInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(help_text=gettext_lazy("上报组织（地域组织）"))
        kind = serializers.CharField(help_text=gettext_lazy("类型代码，如 dispute_marriage"))
        title = serializers.CharField(max_length=100)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        reporter_name = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=50
        )
        reporter_phone = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=20
        )
        sensitive = serializers.BooleanField(
            required=False,
            default=False,
            help_text=gettext_lazy("涉及隐私；家庭暴力案件一律按敏感处理"),
        )

    @extend_schema(
        operation_id="case_report",
        summary=gettext_lazy("上报纠纷诉求"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: CaseDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        org = org_get_for_user(user=user, org_id=data.pop("org"), for_write=True)
        case = services.case_report(actor=user, org=org, source="api", **data)
        return _detail(request, case.pk, status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(
        operation_id="case_detail",
        summary=gettext_lazy("案件详情及办理过程"),
        tags=TAGS,
        responses={200: CaseDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, case_id: int) -> Response:
        return _detail(request, case_id)


def _need(data: dict[str, Any], field: str) -> Any:
    if data.get(field) is None:
        raise ValidationError({field: [_("该操作须填写此项")]})
    return data[field]


def _person(case: Case, person_id: int, field: str) -> Any:
    person = case_handler_choices(case=case).filter(pk=person_id).first()
    if person is None:
        raise ValidationError(
            {field: [_("只能选择承办组织（网格案件为其所在村、社区）的在任执委")]}
        )
    return person


# action → the service call with the parsed input
Run = Callable[[Any, Case, dict[str, Any]], Any]
RUNS: dict[str, Run] = {
    CaseTransition.Action.ACCEPT: lambda u, c, d: services.case_accept(
        actor=u, case=c, note=d["note"]
    ),
    CaseTransition.Action.REJECT: lambda u, c, d: services.case_reject(
        actor=u, case=c, reason=d["reason"]
    ),
    CaseTransition.Action.DISPATCH: lambda u, c, d: services.case_dispatch(
        actor=u, case=c, assignee=_person(c, _need(d, "assignee"), "assignee"), note=d["note"]
    ),
    CaseTransition.Action.START: lambda u, c, d: services.case_start(
        actor=u, case=c, note=d["note"]
    ),
    CaseTransition.Action.DELAY: lambda u, c, d: services.case_request_delay(
        actor=u, case=c, days=_need(d, "days"), reason=d["reason"]
    ),
    CaseTransition.Action.RETURN: lambda u, c, d: services.case_return(
        actor=u, case=c, reason=d["reason"]
    ),
    CaseTransition.Action.RESOLVE: lambda u, c, d: services.case_resolve(
        actor=u, case=c, outcome=d["outcome"], note=d["note"]
    ),
    CaseTransition.Action.VERIFY: lambda u, c, d: services.case_verify(
        actor=u, case=c, passed=_need(d, "passed"), note=d["note"]
    ),
    CaseTransition.Action.CLOSE: lambda u, c, d: services.case_close(
        actor=u, case=c, note=d["note"]
    ),
    CaseTransition.Action.RATE: lambda u, c, d: services.case_rate(
        actor=u, case=c, satisfaction=_need(d, "satisfaction"), note=d["note"]
    ),
    CaseTransition.Action.ESCALATE: lambda u, c, d: services.case_escalate(
        actor=u, case=c, reason=d["reason"]
    ),
    CaseTransition.Action.SUPERVISE: lambda u, c, d: services.case_supervise(
        actor=u, case=c, level=d["level"], note=d["note"]
    ),
    CaseTransition.Action.PARTICIPANT: lambda u, c, d: services.case_add_participant(
        actor=u, case=c, person=_person(c, _need(d, "person"), "person"), role=d["role"]
    ),
}


class CaseActionApi(APIView):
    @extend_schema_serializer(component_name="CaseActionInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.CharField(
            help_text=gettext_lazy(
                "accept 受理；reject 不予受理（reason）；dispatch 派单（assignee）；"
                "start 开始处置；delay 申请延期（days, reason）；return 退回（reason）；"
                "resolve 办结反馈（outcome）；"
                "verify 核查（passed）；close 结案；rate 回访评价（satisfaction 1–5）；"
                "escalate 上报上级（reason）；supervise 督办（level: yellow/red）；"
                "participant 添加参与执委（person, role: mediator/assistant）"
            )
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        assignee = serializers.IntegerField(required=False, allow_null=True, default=None)
        person = serializers.IntegerField(required=False, allow_null=True, default=None)
        role = serializers.CharField(required=False, allow_blank=True, default="")
        days = serializers.IntegerField(required=False, allow_null=True, default=None)
        outcome = serializers.CharField(required=False, allow_blank=True, default="")
        passed = serializers.BooleanField(required=False, allow_null=True, default=None)
        satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)
        level = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="case_action",
        summary=gettext_lazy("办理：受理、派单、办结、核查、结案、评价、上报上级、督办等"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: CaseDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, case_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        run = RUNS.get(data["action"])
        if run is None:
            raise ValidationError({"action": [_("未知的操作")]})
        case = selectors.case_get_for_user(user=user, case_id=case_id, for_write=True)
        run(user, case, data)
        return _detail(request, case_id)


class CaseFiguresApi(APIView):
    @extend_schema_serializer(component_name="CaseFiguresQuery")
    class QuerySerializer(PeriodSerializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
        start = ApiDateField(required=False, help_text=gettext_lazy("默认今年1月1日"))
        end = ApiDateField(required=False, help_text=gettext_lazy("默认今天"))

    @extend_schema_serializer(component_name="CaseFigure")
    class OutputSerializer(serializers.Serializer):
        key = serializers.CharField()
        name = serializers.CharField(source="label")
        value = serializers.IntegerField()
        url = serializers.CharField(help_text=gettext_lazy("所计案件的列表页"))

    @extend_schema(
        operation_id="case_figures",
        summary=gettext_lazy("纠纷化解工作成效（按组织与时段统计）"),
        tags=TAGS,
        parameters=[QuerySerializer],
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.QuerySerializer, request), api_user(request)
        today = timezone.localdate()
        org = org_get_for_user(user=user, org_id=wanted.get("org") or user.org_id or 0)
        start, end = wanted.get("start", today.replace(month=1, day=1)), wanted.get("end", today)
        figures = selectors.case_figures(user=user, org=org, start=start, end=end)
        return Response(self.OutputSerializer(figures, many=True).data)


urlpatterns = [
    *api_route("cases/", "api-cases", CaseListApi, CaseReportApi),
    path("cases/figures/", CaseFiguresApi.as_view(), name="api-case-figures"),
    path("cases/<int:case_id>/", CaseDetailApi.as_view(), name="api-case"),
    path("cases/<int:case_id>/actions/", CaseActionApi.as_view(), name="api-case-actions"),
]
