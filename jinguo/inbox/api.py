"""JSON API of her inbox: messages (newest first), the unread count, marking read, and her choice
of channels and quiet hours. Another person's message answers 404; the 三员 have no inbox (403)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.accounts.models import User
from jinguo.common.api import (
    ERRORS,
    LocalTimeField,
    StandardPagination,
    api_input,
    api_paginated,
    api_route,
    api_user,
)
from jinguo.inbox import selectors, services

TAGS = ["inbox"]


def _inbox_user(request: Request) -> User:
    user = api_user(request)
    if not user.has_business_scope:
        raise PermissionDenied
    return user


@extend_schema_serializer(component_name="InboxItem")
class ItemSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False)
    text = serializers.CharField()
    link = serializers.CharField(required=False)


@extend_schema_serializer(component_name="InboxMessage")
class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(
        help_text=gettext_lazy(
            "notice 通知；task 任务；round 报送任务；remind 催办；digest 每日提醒"
        )
    )
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text=gettext_lazy("所涉页面（本站路径）"))
    items = ItemSerializer(many=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MessageListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="inbox_list",
        summary=gettext_lazy("本人的消息（新的在前）"),
        tags=TAGS,
        responses={200: MessageSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = _inbox_user(request)
        return api_paginated(self, selectors.inbox_list(user=user), MessageSerializer)


class UnreadApi(APIView):
    @extend_schema_serializer(component_name="InboxUnread")
    class OutputSerializer(serializers.Serializer):
        unread = serializers.IntegerField()

    @extend_schema(
        operation_id="inbox_unread",
        summary=gettext_lazy("未读消息数"),
        tags=TAGS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(user=_inbox_user(request))})


class MessageReadApi(APIView):
    @extend_schema(
        operation_id="inbox_read",
        summary=gettext_lazy("标为已读"),
        tags=TAGS,
        request=None,
        responses={200: MessageSerializer, **ERRORS},
    )
    def post(self, request: Request, message_id: int) -> Response:
        user = _inbox_user(request)
        message = selectors.message_get_for_user(user=user, message_id=message_id)
        services.message_open(message=message, user=user)
        return Response(MessageSerializer(message).data)


class ReadAllApi(APIView):
    @extend_schema_serializer(component_name="InboxReadAll")
    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(
        operation_id="inbox_read_all",
        summary=gettext_lazy("全部标为已读"),
        tags=TAGS,
        request=None,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = _inbox_user(request)
        return Response({"marked": services.messages_mark_all_read(user=user)})


@extend_schema_serializer(component_name="InboxPreference")
class PreferenceSerializer(serializers.Serializer):
    sms = serializers.BooleanField(help_text=gettext_lazy("短信（需账号登记手机号）"))
    wecom = serializers.BooleanField(help_text=gettext_lazy("企业微信"))
    wecom_user = serializers.CharField(
        max_length=64, allow_blank=True, help_text=gettext_lazy("企业微信账号，留空为用户名")
    )
    quiet_start = LocalTimeField(help_text=gettext_lazy("免打扰开始（北京时间）"))
    quiet_end = LocalTimeField(help_text=gettext_lazy("免打扰结束（北京时间）"))


class PreferenceGetApi(APIView):
    @extend_schema(
        operation_id="inbox_preferences",
        summary=gettext_lazy("本人的消息设置"),
        tags=TAGS,
        responses={200: PreferenceSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        pref = services.preference_get(user=_inbox_user(request))
        return Response(PreferenceSerializer(pref).data)


class PreferencePutApi(APIView):
    @extend_schema(
        operation_id="inbox_preferences_update",
        summary=gettext_lazy("修改本人的消息设置"),
        tags=TAGS,
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, **ERRORS},
    )
    def put(self, request: Request) -> Response:
        user = _inbox_user(request)
        data: dict[str, Any] = api_input(PreferenceSerializer, request)
        pref = services.preference_update(user=user, **data)
        return Response(PreferenceSerializer(pref).data)


urlpatterns = [
    path("inbox/messages/", MessageListApi.as_view(), name="api-inbox"),
    path("inbox/messages/read-all/", ReadAllApi.as_view(), name="api-inbox-read-all"),
    path("inbox/messages/<int:message_id>/read/", MessageReadApi.as_view(), name="api-inbox-read"),
    path("inbox/unread/", UnreadApi.as_view(), name="api-inbox-unread"),
    *api_route("inbox/preferences/", "api-inbox-preferences", PreferenceGetApi, PreferencePutApi),
]
