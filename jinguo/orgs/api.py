"""JSON API of the organisation tree: one APIView per operation, all limited to the caller's scope.

Every unit is fetched through `org_get_for_user`, so a unit outside the caller's subtree is a
404 exactly like a missing one, and read-only roles get a 403 on every write.
"""

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.common.api import (
    ERRORS,
    StandardPagination,
    api_input,
    api_paginated,
    api_query,
    api_route,
    api_user,
    many_data,
)
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import (
    org_children,
    org_get_for_user,
    org_history,
    org_list_filtered,
    venue_list,
)
from jinguo.orgs.services import org_create, org_move, org_update

TAGS = ["orgs"]


class OrgListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="OrgListFilter")
    class FilterSerializer(serializers.Serializer):
        # "parent" shadows Field.parent in the type stubs only: declared fields are popped
        # from the class by DRF's metaclass.
        parent = serializers.IntegerField(  # type: ignore[assignment]
            required=False, help_text=_("只列出该组织的直接下级")
        )
        kind = serializers.ChoiceField(choices=Kind.choices, required=False)
        q = serializers.CharField(required=False, help_text=_("名称包含或编码开头为"))

    @extend_schema_serializer(component_name="Org")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        code = serializers.CharField()
        # Shadows Field.parent in the stubs only, like FilterSerializer's above.
        parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
        depth = serializers.IntegerField()
        is_active = serializers.BooleanField()

    @extend_schema(
        operation_id="org_list",
        summary=_("可见的组织列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user, wanted = api_user(request), api_query(self.FilterSerializer, request)
        parent = None
        if "parent" in wanted:
            parent = org_get_for_user(user=user, org_id=wanted["parent"])
        units = org_list_filtered(
            user=user, parent=parent, kind=wanted.get("kind", ""), query=wanted.get("q", "")
        )
        return api_paginated(self, units, self.OutputSerializer)


class OrgDetailApi(APIView):
    @extend_schema_serializer(component_name="OrgDetail")
    class OutputSerializer(OrgListApi.OutputSerializer):
        @extend_schema_serializer(component_name="OrgVenue")
        class VenueSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            kind = serializers.CharField()
            kind_label = serializers.CharField(source="get_kind_display")
            name = serializers.CharField()
            address = serializers.CharField()

        children_count = serializers.SerializerMethodField()
        venues = serializers.SerializerMethodField()

        def get_children_count(self, org: OrgUnit) -> int:
            return org_children(org=org).count()

        @extend_schema_field(VenueSerializer(many=True))
        def get_venues(self, org: OrgUnit) -> list[dict[str, Any]]:
            venues = venue_list(org=org)
            return many_data(self.VenueSerializer(venues, many=True))

    @extend_schema(
        operation_id="org_detail",
        summary=_("组织详情"),
        tags=TAGS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, org_id: int) -> Response:
        org = org_get_for_user(user=api_user(request), org_id=org_id)
        return Response(self.OutputSerializer(org).data)


class OrgCreateApi(APIView):
    @extend_schema_serializer(component_name="OrgCreateInput")
    class InputSerializer(serializers.Serializer):
        # Shadows Field.parent in the stubs only, like FilterSerializer's above.
        parent = serializers.IntegerField()  # type: ignore[assignment]
        name = serializers.CharField()
        kind = serializers.ChoiceField(choices=Kind.choices)
        code = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="org_create",
        summary=_("新建下级组织"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: OrgDetailApi.OutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        parent = org_get_for_user(user=user, org_id=data["parent"], for_write=True)
        org = org_create(
            actor=user, parent=parent, name=data["name"], kind=data["kind"], code=data["code"]
        )
        return Response(OrgDetailApi.OutputSerializer(org).data, status=status.HTTP_201_CREATED)


class OrgUpdateApi(APIView):
    @extend_schema_serializer(component_name="OrgUpdateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(required=False)
        code = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        operation_id="org_update",
        summary=_("修改组织名称或编码"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: OrgDetailApi.OutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, org_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        org = org_get_for_user(user=user, org_id=org_id, for_write=True)
        org = org_update(
            actor=user, org=org, name=data.get("name", org.name), code=data.get("code", org.code)
        )
        return Response(OrgDetailApi.OutputSerializer(org).data)


class OrgMoveApi(APIView):
    @extend_schema_serializer(component_name="OrgMoveInput")
    class InputSerializer(serializers.Serializer):
        # Shadows Field.parent in the stubs only, like FilterSerializer's above.
        parent = serializers.IntegerField()  # type: ignore[assignment]
        code = serializers.CharField(
            required=False, allow_blank=True, help_text=_("新上级下的编码；不填则保留原编码")
        )

    @extend_schema(
        operation_id="org_move",
        summary=_("调整上级组织"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: OrgDetailApi.OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, org_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        org = org_get_for_user(user=user, org_id=org_id, for_write=True)
        new_parent = org_get_for_user(user=user, org_id=data["parent"], for_write=True)
        org = org_move(actor=user, org=org, new_parent=new_parent, new_code=data.get("code"))
        return Response(OrgDetailApi.OutputSerializer(org).data)


class OrgHistoryApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="OrgChange")
    class OutputSerializer(serializers.Serializer):
        action = serializers.CharField()
        action_label = serializers.CharField(source="get_action_display")
        at = serializers.DateTimeField()
        actor = serializers.CharField(source="actor.username", allow_null=True)
        old = serializers.DictField()
        new = serializers.DictField()
        note = serializers.CharField()

    @extend_schema(
        operation_id="org_history",
        summary=_("组织变更历史"),
        tags=TAGS,
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, org_id: int) -> Response:
        org = org_get_for_user(user=api_user(request), org_id=org_id)
        return api_paginated(self, org_history(org=org), self.OutputSerializer)


urlpatterns = [
    *api_route("orgs/", "api-orgs", OrgListApi, OrgCreateApi),
    *api_route("orgs/<int:org_id>/", "api-org", OrgDetailApi, OrgUpdateApi),
    path("orgs/<int:org_id>/move/", OrgMoveApi.as_view(), name="api-org-move"),
    path("orgs/<int:org_id>/history/", OrgHistoryApi.as_view(), name="api-org-history"),
]
