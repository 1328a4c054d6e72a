"""JSON API of visits and wishes: one APIView per operation, all within the caller's scope.

Households come through `household_get_for_user` and wishes through `wish_get_for_user`, so a
record outside the caller's scope is a 404, and read-only roles get a 403 on every write. Photos
are uploaded through the pages (the API takes JSON only).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer
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
)
from jinguo.common.dates import ApiDateField
from jinguo.households.selectors import household_get_for_user
from jinguo.orgs.selectors import may_write_at, org_get_for_user
from jinguo.visits import selectors, services
from jinguo.visits.models import Channel, ServiceKind, Wish

TAGS = ["visits"]


@extend_schema_serializer(component_name="Visit")
class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    household = serializers.IntegerField(source="household_id")
    executive = serializers.IntegerField(source="executive_id", allow_null=True)
    org = serializers.IntegerField(source="org_id")
    channel = serializers.CharField(
        help_text=gettext_lazy("home 入户；phone 电话；wechat 微信；activity 活动")
    )
    services = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    visited_on = serializers.DateField()
    has_photo = serializers.SerializerMethodField()

    def get_has_photo(self, visit: Any) -> bool:
        return bool(visit.photo)


class VisitCreateApi(APIView):
    @extend_schema_serializer(component_name="VisitCreateInput")
    class InputSerializer(serializers.Serializer):
        household = serializers.IntegerField()
        channel = serializers.ChoiceField(choices=Channel.choices)
        services = serializers.ListField(
            child=serializers.ChoiceField(choices=ServiceKind.choices), required=False, default=list
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")
        visited_on = ApiDateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="visit_create",
        summary=gettext_lazy("记录走访"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: VisitSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        household = household_get_for_user(
            user=user, household_id=data.pop("household"), for_write=True
        )
        visit = services.visit_log(actor=user, household=household, **data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class VisitTodoApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="VisitTodoFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(
            required=False, help_text=gettext_lazy("只列该组织之下的家庭")
        )

    @extend_schema_serializer(component_name="VisitTodo")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        grid = RefSerializer()
        last_visit = serializers.DateField(allow_null=True)
        interval = serializers.IntegerField(help_text=gettext_lazy("走访周期（天）"))
        due = serializers.DateField(help_text=gettext_lazy("应访日期；早于今天即逾期"))

    @extend_schema(
        operation_id="visit_todo",
        summary=gettext_lazy("我的走访待办：逾期和本周应访"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = api_user(request)
        org_id = api_query(self.FilterSerializer, request).get("org")
        org = org_get_for_user(user=user, org_id=org_id) if org_id else None
        return api_paginated(self, selectors.visit_todo(user=user, org=org), self.OutputSerializer)


@extend_schema_serializer(component_name="Wish")
class WishSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    household = serializers.IntegerField(source="household_id", allow_null=True)
    content = serializers.CharField()
    category = serializers.CharField(
        help_text=gettext_lazy("living 生活；study 学习；employment 就业；medical 医疗；other 其他")
    )
    status = serializers.CharField(
        help_text=gettext_lazy(
            "collected 已收集；claimed 已认领；fulfilled 已实现；cancelled 已取消"
        )
    )
    donor_name = serializers.CharField()
    claimed_at = serializers.DateTimeField(allow_null=True)
    fulfilled_at = serializers.DateTimeField(allow_null=True)
    evidence_note = serializers.CharField()


class WishListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="WishListFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Wish.Status.choices, required=False)

    @extend_schema(
        operation_id="wish_list",
        summary=gettext_lazy("微心愿列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: WishSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        wishes = selectors.wish_list(user=user, status=wanted.get("status"))
        return api_paginated(self, wishes, WishSerializer)


class WishCollectApi(APIView):
    @extend_schema_serializer(component_name="WishCollectInput")
    class InputSerializer(serializers.Serializer):
        content = serializers.CharField(max_length=500)
        category = serializers.ChoiceField(choices=Wish.Category.choices)
        household = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="wish_collect",
        summary=gettext_lazy("登记微心愿"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: WishSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        household_id = data.pop("household")
        household = None
        if household_id is not None:
            household = household_get_for_user(user=user, household_id=household_id, for_write=True)
        elif user.org is None or not may_write_at(user=user, org=user.org):
            raise PermissionDenied  # without a household the wish is kept at her own unit
        wish = services.wish_collect(actor=user, household=household, **data)
        return Response(WishSerializer(wish).data, status=status.HTTP_201_CREATED)


class WishClaimApi(APIView):
    @extend_schema_serializer(component_name="WishClaimInput")
    class InputSerializer(serializers.Serializer):
        donor_name = serializers.CharField(max_length=100)

    @extend_schema(
        operation_id="wish_claim",
        summary=gettext_lazy("认领微心愿"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: WishSerializer, **ERRORS},
    )
    def post(self, request: Request, wish_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        wish = selectors.wish_get_for_user(user=user, wish_id=wish_id, for_write=True)
        return Response(WishSerializer(services.wish_claim(actor=user, wish=wish, **data)).data)


class WishFulfilApi(APIView):
    @extend_schema_serializer(component_name="WishFulfilInput")
    class InputSerializer(serializers.Serializer):
        evidence_note = serializers.CharField()

    @extend_schema(
        operation_id="wish_fulfil",
        summary=gettext_lazy("微心愿已实现"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: WishSerializer, **ERRORS},
    )
    def post(self, request: Request, wish_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        wish = selectors.wish_get_for_user(user=user, wish_id=wish_id, for_write=True)
        return Response(WishSerializer(services.wish_fulfil(actor=user, wish=wish, **data)).data)


urlpatterns = [
    path("visits/", VisitCreateApi.as_view(), name="api-visits"),
    path("visits/todo/", VisitTodoApi.as_view(), name="api-visit-todo"),
    *api_route("wishes/", "api-wishes", WishListApi, WishCollectApi),
    path("wishes/<int:wish_id>/claim/", WishClaimApi.as_view(), name="api-wish-claim"),
    path("wishes/<int:wish_id>/fulfil/", WishFulfilApi.as_view(), name="api-wish-fulfil"),
]
