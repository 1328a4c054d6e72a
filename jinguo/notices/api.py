"""JSON API of notices and tasks: one APIView per operation, within the caller's scope (the
same selectors and services as the pages: 404 outside it, 403 for one who may not act)."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.common.api import (
    ERRORS,
    RefSerializer,
    StandardPagination,
    api_input,
    api_org,
    api_paginated,
    api_route,
    api_user,
    page_data,
)
from jinguo.notices import selectors, services
from jinguo.notices.api_tasks import task_urlpatterns
from jinguo.notices.forms import unit_choices
from jinguo.orgs.models import OrgUnit

TAGS = ["notices"]
AUDIENCE_HELP = gettext_lazy("all 全部下级单位；level 某一层级；chosen 选定单位；people 指定执委")
NOT_BELOW = gettext_lazy("所选单位不存在或不在本单位之下")
BOX = OpenApiParameter("box", str, description=gettext_lazy("received 收到的（默认）；sent 发出的"))
STATE = OpenApiParameter("state", str, description=gettext_lazy("read 已读；unread 未读"))
PAGE = OpenApiParameter("page", int)


@extend_schema_serializer(component_name="Notice")
class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    title = serializers.CharField()
    body = serializers.CharField()
    audience = serializers.CharField(help_text=AUDIENCE_HELP)
    level = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="NoticeReceipt")
class NoticeTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    read_at = serializers.DateTimeField(allow_null=True)
    read_by = serializers.CharField(source="read_by.full_name", allow_null=True, default=None)
    reminded_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="NoticeReceipts")
class NoticeReceiptsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    read = serializers.IntegerField()
    unread = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    units = NoticeTargetSerializer(many=True)


def units_named(org: OrgUnit, ids: list[int]) -> list[OrgUnit]:
    wanted = set(ids)
    units = list(unit_choices(org=org).filter(pk__in=[pk for pk in wanted if pk > 0]))
    if len(units) != len(wanted):
        raise serializers.ValidationError({"units": [NOT_BELOW]})
    return units


class NoticeListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="notice_list",
        summary=gettext_lazy("通知列表（收到的未读在前，或发出的）"),
        tags=TAGS,
        parameters=[BOX],
        responses={200: NoticeSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = api_user(request)
        sent = request.query_params.get("box") == "sent"
        notices = (
            selectors.notices_sent(user=user) if sent else selectors.notices_received(user=user)
        )
        return api_paginated(self, notices, NoticeSerializer)


class NoticeCreateApi(APIView):
    @extend_schema_serializer(component_name="NoticeCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
        title = serializers.CharField(max_length=100)
        body = serializers.CharField()
        audience = serializers.ChoiceField(
            choices=["all", "level", "chosen"], help_text=AUDIENCE_HELP
        )
        level = serializers.CharField(required=False, allow_blank=True, default="")
        units = serializers.ListField(child=serializers.IntegerField(), required=False)

    @extend_schema(
        operation_id="notice_create",
        summary=gettext_lazy("发送通知（附件请在页面上传）"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: NoticeSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        units = units_named(org, data.pop("units", []))
        notice = services.notice_send(actor=user, org=org, units=units, **data)
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class NoticeDetailApi(APIView):
    @extend_schema_serializer(component_name="NoticeDetail")
    class OutputSerializer(NoticeSerializer):
        my_unit_read_at = serializers.DateTimeField(allow_null=True)
        attachments = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        operation_id="notice_detail",
        summary=gettext_lazy("通知详情"),
        tags=TAGS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, notice_id: int) -> Response:
        user = api_user(request)
        notice = selectors.notice_get_for_user(user=user, notice_id=notice_id)
        mine = selectors.notice_target_of(user=user, notice=notice)
        attachments = [
            {"id": a.pk, "name": a.name, "size": a.size}
            for a in selectors.notice_attachments(notice=notice)
        ]
        data = NoticeSerializer(notice).data | {
            "my_unit_read_at": mine.read_at if mine else None,
            "attachments": attachments,
        }
        return Response(data)


class NoticeReadApi(APIView):
    @extend_schema_serializer(component_name="NoticeRead")
    class OutputSerializer(serializers.Serializer):
        marked = serializers.BooleanField(help_text=gettext_lazy("本次阅读是否标记了本单位已读"))

    @extend_schema(
        operation_id="notice_read",
        summary=gettext_lazy("阅读通知（本单位首位阅读者标记已读）"),
        tags=TAGS,
        request=None,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        user = api_user(request)
        if not user.can_write:
            raise PermissionDenied
        notice = selectors.notice_get_for_user(user=user, notice_id=notice_id)
        return Response({"marked": services.notice_read(notice=notice, user=user)})


class NoticeReceiptsApi(APIView):
    @extend_schema(
        operation_id="notice_receipts",
        summary=gettext_lazy("阅读情况：各单位已读、未读"),
        tags=TAGS,
        parameters=[STATE, PAGE],
        responses={200: NoticeReceiptsSerializer, **ERRORS},
    )
    def get(self, request: Request, notice_id: int) -> Response:
        user = api_user(request)
        notice = selectors.notice_get_for_user(user=user, notice_id=notice_id)
        receipts = selectors.notice_receipts(
            user=user,
            notice=notice,
            state=request.query_params.get("state", ""),
            page=request.query_params.get("page"),
        )
        data = receipts.counts | page_data(receipts.page) | {"units": receipts.page.object_list}
        return Response(NoticeReceiptsSerializer(data).data)


class NoticeRemindApi(APIView):
    @extend_schema_serializer(component_name="NoticeReminded")
    class OutputSerializer(serializers.Serializer):
        reminded = serializers.IntegerField()

    @extend_schema(
        operation_id="notice_remind",
        summary=gettext_lazy("提醒未读单位"),
        tags=TAGS,
        request=None,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, notice_id: int) -> Response:
        user = api_user(request)
        notice = selectors.notice_get_for_user(user=user, notice_id=notice_id, for_write=True)
        return Response({"reminded": services.notice_remind(actor=user, notice=notice)})


urlpatterns = [
    *api_route("notices/", "api-notices", NoticeListApi, NoticeCreateApi),
    path("notices/<int:notice_id>/", NoticeDetailApi.as_view(), name="api-notice"),
    path("notices/<int:notice_id>/read/", NoticeReadApi.as_view(), name="api-notice-read"),
    path(
        "notices/<int:notice_id>/receipts/",
        NoticeReceiptsApi.as_view(),
        name="api-notice-receipts",
    ),
    path("notices/<int:notice_id>/remind/", NoticeRemindApi.as_view(), name="api-notice-remind"),
    *task_urlpatterns,
]
