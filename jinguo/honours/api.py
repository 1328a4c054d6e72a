"""JSON API of families and honours: list, nominate, detail, approve/reject/revoke, figures.

Honours come through the selectors' fetch-and-check: out of scope is a 404, a write by a
read-only role a 403. Choice values are plain strings documented in help texts.
"""

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
from jinguo.honours import selectors, services
from jinguo.honours.models import HonourChange
from jinguo.households.selectors import household_get_for_user
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.selectors import person_get_for_user

TAGS = ["honours"]


@extend_schema_serializer(component_name="Honour")
class HonourSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=gettext_lazy("family 家庭；individual 个人"))
    name = serializers.CharField(help_text=gettext_lazy("家庭名称或获奖人姓名"))
    title = serializers.CharField(help_text=gettext_lazy("称号代码"))
    title_label = serializers.CharField()
    level = serializers.CharField(
        help_text=gettext_lazy("village/township/county/city/province/national")
    )
    level_label = serializers.CharField(source="get_level_display")
    year = serializers.IntegerField()
    status = serializers.CharField(help_text=gettext_lazy("nominated/approved/rejected/revoked"))
    status_label = serializers.CharField(source="get_status_display")
    org = RefSerializer()
    awarded_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="HonourChange")
class HonourChangeSerializer(serializers.Serializer):
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()


@extend_schema_serializer(component_name="HonourDetail")
class HonourDetailSerializer(HonourSerializer):
    theme = serializers.CharField(required=False, default="")
    household = serializers.IntegerField(
        source="household_id", required=False, allow_null=True, default=None
    )
    person = serializers.IntegerField(
        source="person_id", required=False, allow_null=True, default=None
    )
    deeds = serializers.CharField()
    reason = serializers.CharField()
    allowed_actions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, honour: Any) -> list[str]:
        user = self.context.get("user")
        if user is None or not services.may_decide(actor=user, honour=honour):
            return []
        return services.allowed_actions(honour)

    @extend_schema_field(HonourChangeSerializer(many=True))
    def get_history(self, honour: Any) -> list[dict[str, Any]]:
        rows = selectors.honour_history(honour=honour)
        return many_data(HonourChangeSerializer(rows, many=True))


def _detail(
    request: Request, kind: str, honour_id: int, code: int = status.HTTP_200_OK
) -> Response:
    user = api_user(request)
    honour = selectors.honour_get_for_user(user=user, kind=kind, honour_id=honour_id)
    return Response(HonourDetailSerializer(honour, context={"user": user}).data, status=code)


@extend_schema_serializer(component_name="HonourListFilter")
class HonourFilterSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text=gettext_lazy("称号代码"))
    level = serializers.CharField(required=False, help_text=gettext_lazy("级别代码"))
    year = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False, help_text=gettext_lazy("状态代码"))
    org = serializers.IntegerField(required=False, help_text=gettext_lazy("组织（含下级）"))
    start = ApiDateField(required=False, help_text=gettext_lazy("授予日期起"))
    end = ApiDateField(required=False, help_text=gettext_lazy("授予日期止"))


def _list(view: APIView, request: Request, kind: str) -> Response:
    wanted, user = api_query(HonourFilterSerializer, request), api_user(request)
    if "org" in wanted:
        wanted["org"] = org_get_for_user(user=user, org_id=wanted["org"])
    rows = selectors.honour_list(user=user, kind=kind, **wanted)
    return api_paginated(view, rows, HonourSerializer)


class _Common(serializers.Serializer):
    level = serializers.CharField(
        help_text=gettext_lazy("village/township/county/city/province/national")
    )
    year = serializers.IntegerField()
    other_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    deeds = serializers.CharField(required=False, allow_blank=True, default="")


class FamilyHonourListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="honour_family_list",
        summary=gettext_lazy("家庭荣誉列表"),
        tags=TAGS,
        parameters=[HonourFilterSerializer],
        responses={200: HonourSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return _list(self, request, "family")


class FamilyHonourNominateApi(APIView):
    @extend_schema_serializer(component_name="HonourFamilyNominateInput")
    class InputSerializer(_Common):
        org = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            help_text=gettext_lazy("家庭所在村（社区）或网格；给出家庭时取家庭所在网格"),
        )
        household = serializers.IntegerField(required=False, allow_null=True, default=None)
        family_name = serializers.CharField(max_length=50)
        title = serializers.CharField(
            help_text=gettext_lazy("most_beautiful/five_good/characteristic/model/other")
        )
        theme = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)

    @extend_schema(
        operation_id="honour_family_nominate",
        summary=gettext_lazy("推荐家庭"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: HonourDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org_id, household_id = data.pop("org"), data.pop("household")
        org = org_get_for_user(user=user, org_id=org_id, for_write=True) if org_id else None
        household = (
            household_get_for_user(user=user, household_id=household_id, for_write=True)
            if household_id
            else None
        )
        honour = services.family_honour_nominate(actor=user, org=org, household=household, **data)
        return _detail(request, "family", honour.pk, status.HTTP_201_CREATED)


class IndividualHonourListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="honour_individual_list",
        summary=gettext_lazy("个人荣誉列表"),
        tags=TAGS,
        parameters=[HonourFilterSerializer],
        responses={200: HonourSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return _list(self, request, "individual")


class IndividualHonourNominateApi(APIView):
    @extend_schema_serializer(component_name="HonourIndividualNominateInput")
    class InputSerializer(_Common):
        person = serializers.IntegerField()
        title = serializers.CharField(
            help_text=gettext_lazy(
                "march8_red_flag/excellent_executive/contribution_pacesetter/other"
            )
        )

    @extend_schema(
        operation_id="honour_individual_nominate",
        summary=gettext_lazy("推荐个人"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: HonourDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        try:
            person = person_get_for_user(user=user, person_id=data.pop("person"), for_write=True)
        except Http404:
            raise ValidationError({"person": [_("所选人员不存在")]}) from None
        honour = services.individual_honour_nominate(actor=user, person=person, **data)
        return _detail(request, "individual", honour.pk, status.HTTP_201_CREATED)


class FamilyHonourDetailApi(APIView):
    @extend_schema(
        operation_id="honour_family_detail",
        summary=gettext_lazy("家庭荣誉详情及变更记录"),
        tags=TAGS,
        responses={200: HonourDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, honour_id: int) -> Response:
        return _detail(request, "family", honour_id)


class IndividualHonourDetailApi(APIView):
    @extend_schema(
        operation_id="honour_individual_detail",
        summary=gettext_lazy("个人荣誉详情及变更记录"),
        tags=TAGS,
        responses={200: HonourDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, honour_id: int) -> Response:
        return _detail(request, "individual", honour_id)


@extend_schema_serializer(component_name="HonourActionInput")
class HonourActionSerializer(serializers.Serializer):
    action = serializers.CharField(
        help_text=gettext_lazy(
            "approve 授予（awarded_on）；reject 不予通过（reason）；revoke 撤销（reason）"
        )
    )
    awarded_on = ApiDateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _act(request: Request, kind: str, honour_id: int) -> Response:
    data, user = api_input(HonourActionSerializer, request), api_user(request)
    action = data["action"]
    if action not in (
        HonourChange.Action.APPROVE,
        HonourChange.Action.REJECT,
        HonourChange.Action.REVOKE,
    ):
        raise ValidationError({"action": [_("未知的操作")]})
    honour = selectors.honour_get_for_user(
        user=user, kind=kind, honour_id=honour_id, for_write=True
    )
    if action == HonourChange.Action.APPROVE:
        services.honour_approve(
            actor=user, honour=honour, awarded_on=data["awarded_on"], note=data["note"]
        )
    elif action == HonourChange.Action.REJECT:
        services.honour_reject(actor=user, honour=honour, reason=data["reason"])
    else:
        services.honour_revoke(actor=user, honour=honour, reason=data["reason"])
    return _detail(request, kind, honour_id)


class FamilyHonourActionApi(APIView):
    @extend_schema(
        operation_id="honour_family_action",
        summary=gettext_lazy("家庭荣誉审批：授予、不予通过、撤销"),
        tags=TAGS,
        request=HonourActionSerializer,
        responses={200: HonourDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, honour_id: int) -> Response:
        return _act(request, "family", honour_id)


class IndividualHonourActionApi(APIView):
    @extend_schema(
        operation_id="honour_individual_action",
        summary=gettext_lazy("个人荣誉审批：授予、不予通过、撤销"),
        tags=TAGS,
        request=HonourActionSerializer,
        responses={200: HonourDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, honour_id: int) -> Response:
        return _act(request, "individual", honour_id)


HonoursFiguresApi = figures_api(
    selector=selectors.honours_figures,
    operation_id="honours_figures",
    summary=gettext_lazy("家庭与个人荣誉统计（按组织与时段）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route(
        "honours/families/", "api-honour-families", FamilyHonourListApi, FamilyHonourNominateApi
    ),
    path(
        "honours/families/<int:honour_id>/",
        FamilyHonourDetailApi.as_view(),
        name="api-honour-family",
    ),
    path(
        "honours/families/<int:honour_id>/actions/",
        FamilyHonourActionApi.as_view(),
        name="api-honour-family-actions",
    ),
    *api_route(
        "honours/individuals/",
        "api-honour-individuals",
        IndividualHonourListApi,
        IndividualHonourNominateApi,
    ),
    path(
        "honours/individuals/<int:honour_id>/",
        IndividualHonourDetailApi.as_view(),
        name="api-honour-individual",
    ),
    path(
        "honours/individuals/<int:honour_id>/actions/",
        IndividualHonourActionApi.as_view(),
        name="api-honour-individual-actions",
    ),
    path("honours/figures/", HonoursFiguresApi.as_view(), name="api-honours-figures"),
]
