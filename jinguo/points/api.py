"""JSON API of duty points and the love bank: one APIView per operation (rankings, nominations
and figures are in rankings_api.py).

Records come through the selectors' fetch-and-check (404 out of scope, 403 for read-only
roles on writes); the services decide who may approve, correct or rule on an appeal.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.accounts.models import User
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
)
from jinguo.common.dates import ApiDateField, PeriodSerializer
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.selectors import person_get_for_user
from jinguo.points import approval, lovebank, selectors, services
from jinguo.points.models import Action, CapPeriod, Kind

TAGS = ["points"]


@extend_schema_serializer(component_name="PointsPeriodQuery")
class PeriodQuerySerializer(PeriodSerializer):
    org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
    start = ApiDateField(required=False, help_text=gettext_lazy("默认今年1月1日"))
    end = ApiDateField(required=False, help_text=gettext_lazy("默认今天"))


def _period(user: User, wanted: dict[str, Any]) -> tuple[OrgUnit, Any, Any]:
    today = timezone.localdate()
    start, end = wanted.get("start", today.replace(month=1, day=1)), wanted.get("end", today)
    return api_org(user, wanted.get("org")), start, end


# --- rules ---------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="PointRule")
class PointRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    action = serializers.CharField(help_text=gettext_lazy("履职事项代码"))
    points = serializers.IntegerField()
    cap = serializers.IntegerField(allow_null=True)
    cap_period = serializers.CharField(
        help_text=gettext_lazy("month 每月；quarter 每季度；year 每年")
    )
    approver_level = serializers.IntegerField(help_text=gettext_lazy("审核层级：4 村（社区）…1 市"))
    is_active = serializers.BooleanField()
    valid_from = serializers.DateField()


class PointRuleListApi(APIView):
    @extend_schema_serializer(component_name="PointRuleListQuery")
    class QuerySerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))

    @extend_schema(
        operation_id="point_rule_list",
        summary=gettext_lazy("适用于组织的积分规则"),
        tags=TAGS,
        parameters=[QuerySerializer],
        responses={200: PointRuleSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.QuerySerializer, request), api_user(request)
        org = api_org(user, wanted.get("org"))
        rules = selectors.rules_visible(user=user, org=org)
        return Response(PointRuleSerializer(rules, many=True).data)


class PointRuleSaveApi(APIView):
    @extend_schema_serializer(component_name="PointRuleSaveInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False)
        action = serializers.ChoiceField(choices=Action.choices)
        points = serializers.IntegerField(min_value=0, max_value=services.MAX_RULE_POINTS)
        cap = serializers.IntegerField(
            min_value=1,
            max_value=services.MAX_RULE_CAP,
            required=False,
            allow_null=True,
            default=None,
        )
        cap_period = serializers.ChoiceField(choices=CapPeriod.choices, default=CapPeriod.MONTH)
        approver_level = serializers.IntegerField(min_value=1, max_value=4, default=4)
        is_active = serializers.BooleanField(default=True)
        valid_from = ApiDateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="point_rule_save",
        summary=gettext_lazy("设定组织的积分规则（新建或修改）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: PointRuleSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        rule = services.point_rule_save(actor=user, org=org, **data)
        return Response(PointRuleSerializer(rule).data)


class PointsCollectApi(APIView):
    @extend_schema_serializer(component_name="PointsCollectInput")
    class InputSerializer(PeriodSerializer):
        org = serializers.IntegerField(required=False)
        start = ApiDateField()
        end = ApiDateField()

    @extend_schema_serializer(component_name="PointsCollectResult")
    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        capped = serializers.IntegerField()
        skipped = serializers.IntegerField()

    @extend_schema(
        operation_id="points_collect",
        summary=gettext_lazy("从已核实的履职记录收集积分（待审核）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.get("org"), for_write=True)
        done = services.points_collect(org=org, start=data["start"], end=data["end"], actor=user)
        return Response(self.OutputSerializer(done).data)


# --- ledger --------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="PointEntry")
class PointEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = RefSerializer()
    org = RefSerializer()
    kind = serializers.CharField(
        help_text=gettext_lazy(
            "earn 获得（待审核）；approve 通过；reject 不通过；redeem 兑换；expire 到期；"
            "correct 更正；appeal 申诉；appeal_accept 申诉成立；appeal_reject 申诉驳回"
        )
    )
    action = serializers.CharField()
    source_id = serializers.CharField()
    amount = serializers.IntegerField()
    day = serializers.DateField()
    ref = serializers.IntegerField(source="ref_id", allow_null=True)
    capped = serializers.BooleanField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PointEntryListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="PointEntryListQuery")
    class QuerySerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False)
        start = ApiDateField(required=False)
        end = ApiDateField(required=False)
        kind = serializers.CharField(
            required=False,
            help_text=gettext_lazy("earn approve reject redeem expire correct appeal …"),
        )
        status = serializers.ChoiceField(choices=selectors.STATUSES, required=False)

        def validate_kind(self, value: str) -> str:
            if value not in Kind.values:
                raise serializers.ValidationError(gettext_lazy("未知的类型"))
            return value

        person = serializers.IntegerField(required=False)
        action = serializers.ChoiceField(choices=Action.choices, required=False)

    @extend_schema(
        operation_id="point_entry_list",
        summary=gettext_lazy("积分明细"),
        tags=TAGS,
        parameters=[QuerySerializer],
        responses={200: PointEntrySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.QuerySerializer, request), api_user(request)
        org_id, person_id = wanted.pop("org", None), wanted.pop("person", None)
        filters = selectors.LedgerFilters(
            org=org_get_for_user(user=user, org_id=org_id) if org_id else None,
            person=person_get_for_user(user=user, person_id=person_id) if person_id else None,
            **wanted,
        )
        entries = selectors.entry_list(user=user, filters=filters)
        return api_paginated(self, entries, PointEntrySerializer)


class PointsApproveApi(APIView):
    @extend_schema_serializer(component_name="PointsApproveInput")
    class InputSerializer(serializers.Serializer):
        entries = serializers.ListField(child=serializers.IntegerField(), min_length=1)

    @extend_schema(
        operation_id="points_approve",
        summary=gettext_lazy("批量审核通过待审核积分"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: PointEntrySerializer(many=True), **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        entries = [
            selectors.entry_get_for_user(user=user, entry_id=pk, for_write=True)
            for pk in data["entries"]
        ]
        rows = approval.points_approve(actor=user, entries=entries)
        return Response(PointEntrySerializer(rows, many=True).data)


@extend_schema_serializer(component_name="PointsReasonInput")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PointsRejectApi(APIView):
    @extend_schema(
        operation_id="points_reject",
        summary=gettext_lazy("审核不通过（须填理由）"),
        tags=TAGS,
        request=ReasonSerializer,
        responses={201: PointEntrySerializer, **ERRORS},
    )
    def post(self, request: Request, entry_id: int) -> Response:
        data, user = api_input(ReasonSerializer, request), api_user(request)
        entry = selectors.entry_get_for_user(user=user, entry_id=entry_id, for_write=True)
        row = approval.points_reject(actor=user, entry=entry, **data)
        return Response(PointEntrySerializer(row).data, status=status.HTTP_201_CREATED)


class PointsAppealApi(APIView):
    @extend_schema(
        operation_id="points_appeal",
        summary=gettext_lazy("执委对不通过或扣减的积分提出申诉"),
        tags=TAGS,
        request=ReasonSerializer,
        responses={201: PointEntrySerializer, **ERRORS},
    )
    def post(self, request: Request, entry_id: int) -> Response:
        data, user = api_input(ReasonSerializer, request), api_user(request)
        entry = selectors.entry_get_for_user(user=user, entry_id=entry_id, for_write=True)
        row = approval.points_appeal(actor=user, entry=entry, **data)
        return Response(PointEntrySerializer(row).data, status=status.HTTP_201_CREATED)


class PointsRulingApi(APIView):
    @extend_schema_serializer(component_name="PointsRulingInput")
    class InputSerializer(serializers.Serializer):
        accept = serializers.BooleanField()
        reason = serializers.CharField(max_length=500, required=False, default="")

    @extend_schema(
        operation_id="points_appeal_decide",
        summary=gettext_lazy("上级处理申诉"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: PointEntrySerializer, **ERRORS},
    )
    def post(self, request: Request, entry_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        appeal = selectors.entry_get_for_user(user=user, entry_id=entry_id, for_write=True)
        row = approval.points_appeal_decide(actor=user, appeal=appeal, **data)
        return Response(PointEntrySerializer(row).data, status=status.HTTP_201_CREATED)


class PointsCorrectApi(APIView):
    @extend_schema_serializer(component_name="PointsCorrectInput")
    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField()
        amount = serializers.IntegerField(help_text=gettext_lazy("正数加分，负数扣分"))
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        operation_id="points_correct",
        summary=gettext_lazy("积分更正（须填理由）"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: PointEntrySerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        person = person_get_for_user(user=user, person_id=data.pop("person"), for_write=True)
        row = approval.points_correct(actor=user, person=person, **data)
        return Response(PointEntrySerializer(row).data, status=status.HTTP_201_CREATED)


class PointsBalanceApi(APIView):
    @extend_schema_serializer(component_name="PointsBalanceQuery")
    class QuerySerializer(serializers.Serializer):
        person = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人"))

    @extend_schema_serializer(component_name="PointsBalance")
    class OutputSerializer(serializers.Serializer):
        person = serializers.IntegerField()
        balance = serializers.IntegerField()

    @extend_schema(
        operation_id="points_balance",
        summary=gettext_lazy("积分余额"),
        tags=TAGS,
        parameters=[QuerySerializer],
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.QuerySerializer, request), api_user(request)
        if wanted.get("person"):
            person = person_get_for_user(user=user, person_id=wanted["person"])
        elif user.person is not None:
            person = user.person
        else:
            raise Http404
        balance = selectors.points_balance(person=person)
        return Response({"person": person.pk, "balance": balance})


# --- love bank -----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="LoveBankItem")
class LoveBankItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    name = serializers.CharField()
    price = serializers.IntegerField()
    stock = serializers.IntegerField()
    is_active = serializers.BooleanField()


class LoveBankCatalogueApi(APIView):
    @extend_schema(
        operation_id="lovebank_catalogue",
        summary=gettext_lazy("爱心银行可兑换物品"),
        tags=TAGS,
        responses={200: LoveBankItemSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        items = selectors.catalogue(user=api_user(request))
        return Response(LoveBankItemSerializer(items, many=True).data)


@extend_schema_serializer(component_name="LoveBankRedemption")
class RedemptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    voucher = serializers.CharField()
    item = RefSerializer()
    person = RefSerializer()
    quantity = serializers.IntegerField()
    points = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    handed_over_at = serializers.DateTimeField(allow_null=True)


class LoveBankRedeemApi(APIView):
    @extend_schema_serializer(component_name="LoveBankRedeemInput")
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField(min_value=1, default=1)
        person = serializers.IntegerField(
            required=False, help_text=gettext_lazy("代执委兑换时填写；默认本人")
        )

    @extend_schema(
        operation_id="lovebank_redeem",
        summary=gettext_lazy("用积分兑换物品，生成兑换券"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: RedemptionSerializer, **ERRORS},
    )
    def post(self, request: Request, item_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        # Spending points leaves the item's record alone: lovebank_redeem decides who may (her
        # own points, or a cadre of the item's unit for someone else's).
        item = selectors.item_get_for_user(user=user, item_id=item_id)
        if data.get("person"):
            person = person_get_for_user(user=user, person_id=data["person"], for_write=True)
        elif user.person is not None:
            person = user.person
        else:
            raise PermissionDenied
        row = lovebank.lovebank_redeem(
            actor=user, person=person, item=item, quantity=data["quantity"]
        )
        return Response(RedemptionSerializer(row).data, status=status.HTTP_201_CREATED)


class LoveBankHandOverApi(APIView):
    @extend_schema(
        operation_id="lovebank_hand_over",
        summary=gettext_lazy("兑换券物品已发放"),
        tags=TAGS,
        request=None,
        responses={200: RedemptionSerializer, **ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        user = api_user(request)
        row = selectors.redemption_get_for_user(user=user, voucher=code, for_write=True)
        row = lovebank.redemption_hand_over(actor=user, redemption=row)
        return Response(RedemptionSerializer(row).data)


urlpatterns = [
    *api_route("points/rules/", "api-point-rules", PointRuleListApi, PointRuleSaveApi),
    path("points/collect/", PointsCollectApi.as_view(), name="api-points-collect"),
    path("points/entries/", PointEntryListApi.as_view(), name="api-point-entries"),
    path("points/entries/approve/", PointsApproveApi.as_view(), name="api-points-approve"),
    path(
        "points/entries/<int:entry_id>/reject/", PointsRejectApi.as_view(), name="api-points-reject"
    ),
    path(
        "points/entries/<int:entry_id>/appeal/", PointsAppealApi.as_view(), name="api-points-appeal"
    ),
    path(
        "points/entries/<int:entry_id>/ruling/", PointsRulingApi.as_view(), name="api-points-ruling"
    ),
    path("points/corrections/", PointsCorrectApi.as_view(), name="api-points-correct"),
    path("points/balance/", PointsBalanceApi.as_view(), name="api-points-balance"),
    path("lovebank/items/", LoveBankCatalogueApi.as_view(), name="api-lovebank-items"),
    path(
        "lovebank/items/<int:item_id>/redeem/",
        LoveBankRedeemApi.as_view(),
        name="api-lovebank-redeem",
    ),
    path(
        "lovebank/vouchers/<str:code>/hand-over/",
        LoveBankHandOverApi.as_view(),
        name="api-lovebank-hand-over",
    ),
]
