"""JSON API of tasks (included by notices.api): list, create, detail, receipts, return,
reopen, remind, close; scoped as the pages."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
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
    api_route,
    api_user,
    page_data,
)
from jinguo.common.dates import ApiDateField
from jinguo.notices import selectors, task_services
from jinguo.notices.forms import people_choices, unit_choices
from jinguo.notices.models import Task

TAGS = ["tasks"]
AUDIENCE_HELP = gettext_lazy("all 全部下级单位；level 某一层级；chosen 选定单位；people 指定执委")
STATE_HELP = gettext_lazy("done 按时完成；late 逾期（逾期完成或逾期未完成）；pending 未开始")
STATE = OpenApiParameter("state", str, description=STATE_HELP)
PAGE = OpenApiParameter("page", int)
PHOTOS_HELP = gettext_lazy("none 不需要；optional 可附照片；required 须附照片")


@extend_schema_serializer(component_name="Task")
class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    title = serializers.CharField()
    body = serializers.CharField()
    deadline = serializers.DateField()
    audience = serializers.CharField(help_text=AUDIENCE_HELP)
    level = serializers.CharField()
    photos = serializers.CharField(help_text=PHOTOS_HELP)
    status = serializers.CharField(help_text=gettext_lazy("open 进行中；closed 已结束"))


@extend_schema_serializer(component_name="TaskRecord")
class RecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["visit", "meeting", "activity"])
    id = serializers.IntegerField()


@extend_schema_serializer(component_name="TaskRecipient")
class RecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    user = serializers.CharField(source="user.full_name", allow_null=True, default=None)
    status = serializers.CharField(help_text=gettext_lazy("pending 未完成；done 已完成"))
    state = serializers.SerializerMethodField(help_text=STATE_HELP)
    text = serializers.CharField()
    records = RecordSerializer(many=True)
    done_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)

    def get_state(self, recipient: Any) -> str:
        return selectors.recipient_state(recipient)


@extend_schema_serializer(component_name="TaskItem")
class ItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("task 任务；round 报送任务"))
    title = serializers.CharField()
    org_name = serializers.CharField()
    deadline = serializers.DateField()
    status = serializers.CharField()
    url = serializers.CharField()
    pending = serializers.BooleanField()


@extend_schema_serializer(component_name="TaskReceipts")
class ReceiptsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    late = serializers.IntegerField()
    pending = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    recipients = RecipientSerializer(many=True)


class TaskListApi(APIView):
    @extend_schema(
        operation_id="task_list",
        summary=gettext_lazy("我的任务：任务与报送任务（未完成在前，期限近的在前）"),
        tags=TAGS,
        responses={200: ItemSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        items = selectors.task_items(user=api_user(request))
        return Response(ItemSerializer(items, many=True).data)


class TaskSentApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="task_sent",
        summary=gettext_lazy("发出的任务"),
        tags=TAGS,
        responses={200: TaskSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return api_paginated(self, selectors.tasks_sent(user=api_user(request)), TaskSerializer)


class TaskCreateApi(APIView):
    @extend_schema_serializer(component_name="TaskCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
        title = serializers.CharField(max_length=100)
        body = serializers.CharField()
        deadline = ApiDateField()
        audience = serializers.ChoiceField(
            choices=["all", "level", "chosen", "people"], help_text=AUDIENCE_HELP
        )
        level = serializers.CharField(required=False, allow_blank=True, default="")
        units = serializers.ListField(child=serializers.IntegerField(), required=False)
        people = serializers.ListField(child=serializers.IntegerField(), required=False)
        photos = serializers.ChoiceField(
            choices=Task.Photos.choices, required=False, default=Task.Photos.OPTIONAL
        )

    @extend_schema(
        operation_id="task_create",
        summary=gettext_lazy("发布任务"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: TaskSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        wanted_units = set(data.pop("units", []))
        units = list(unit_choices(org=org).filter(pk__in=wanted_units))
        wanted_people = set(data.pop("people", []))
        people: list[User] = list(people_choices(org=org).filter(pk__in=wanted_people))
        if len(units) != len(wanted_units) or len(people) != len(wanted_people):
            raise serializers.ValidationError(
                {"units": [gettext_lazy("所选单位不存在或不在本单位之下")]}
            )
        task = task_services.task_create(actor=user, org=org, units=units, people=people, **data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    @extend_schema_serializer(component_name="TaskDetail")
    class OutputSerializer(TaskSerializer):
        mine = RecipientSerializer(allow_null=True, help_text=gettext_lazy("本人或本单位的承办"))

    @extend_schema(
        operation_id="task_detail",
        summary=gettext_lazy("任务详情"),
        tags=TAGS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, task_id: int) -> Response:
        user = api_user(request)
        task = selectors.task_get_for_user(user=user, task_id=task_id)
        mine = selectors.my_recipient_of(user=user, task=task)
        data = TaskSerializer(task).data | {
            "mine": RecipientSerializer(mine).data if mine else None
        }
        return Response(data)


class TaskReceiptsApi(APIView):
    @extend_schema(
        operation_id="task_receipts",
        summary=gettext_lazy("完成情况：按时完成、逾期、未开始"),
        tags=TAGS,
        parameters=[STATE, PAGE],
        responses={200: ReceiptsSerializer, **ERRORS},
    )
    def get(self, request: Request, task_id: int) -> Response:
        user = api_user(request)
        task = selectors.task_get_for_user(user=user, task_id=task_id)
        receipts = selectors.task_receipts(
            user=user,
            task=task,
            state=request.query_params.get("state", ""),
            page=request.query_params.get("page"),
        )
        data = (
            receipts.counts | page_data(receipts.page) | {"recipients": receipts.page.object_list}
        )
        return Response(ReceiptsSerializer(data).data)


class TaskReturnApi(APIView):
    @extend_schema_serializer(component_name="TaskReturnInput")
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(required=False, allow_blank=True, default="")
        records = RecordSerializer(many=True, required=False)

    @extend_schema(
        operation_id="task_return",
        summary=gettext_lazy("反馈完成（照片请在页面上传）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: RecipientSerializer, **ERRORS},
    )
    def post(self, request: Request, task_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        task = selectors.task_get_for_user(user=user, task_id=task_id)
        mine = selectors.my_recipient_of(user=user, task=task)
        # She sees the task (it went below her unit) but it is not hers to answer.
        if mine is None or not task_services.may_return(user=user, recipient=mine):
            raise PermissionDenied
        records = [dict(r) for r in data.get("records", [])]
        done = task_services.task_return(
            actor=user, recipient=mine, text=data["text"], records=records
        )
        return Response(RecipientSerializer(done).data)


class RecipientReopenApi(APIView):
    @extend_schema_serializer(component_name="TaskReopenInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        operation_id="task_reopen",
        summary=gettext_lazy("退回承办方的反馈"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: RecipientSerializer, **ERRORS},
    )
    def post(self, request: Request, recipient_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        recipient = selectors.recipient_get_for_user(user=user, recipient_id=recipient_id)
        recipient = task_services.task_reopen(
            actor=user, recipient=recipient, reason=data["reason"]
        )
        return Response(RecipientSerializer(recipient).data)


class TaskRemindApi(APIView):
    @extend_schema_serializer(component_name="TaskReminded")
    class OutputSerializer(serializers.Serializer):
        reminded = serializers.IntegerField()

    @extend_schema(
        operation_id="task_remind",
        summary=gettext_lazy("催办未完成的承办方"),
        tags=TAGS,
        request=None,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, task_id: int) -> Response:
        user = api_user(request)
        task = selectors.task_get_for_user(user=user, task_id=task_id, for_write=True)
        return Response({"reminded": task_services.task_remind(actor=user, task=task)})


class TaskCloseApi(APIView):
    @extend_schema(
        operation_id="task_close",
        summary=gettext_lazy("结束任务"),
        tags=TAGS,
        request=None,
        responses={200: TaskSerializer, **ERRORS},
    )
    def post(self, request: Request, task_id: int) -> Response:
        user = api_user(request)
        task = selectors.task_get_for_user(user=user, task_id=task_id, for_write=True)
        return Response(TaskSerializer(task_services.task_close(actor=user, task=task)).data)


task_urlpatterns = [
    *api_route("notices/tasks/", "api-tasks", TaskListApi, TaskCreateApi),
    path("notices/tasks/sent/", TaskSentApi.as_view(), name="api-tasks-sent"),
    path("notices/tasks/<int:task_id>/", TaskDetailApi.as_view(), name="api-task"),
    path(
        "notices/tasks/<int:task_id>/receipts/", TaskReceiptsApi.as_view(), name="api-task-receipts"
    ),
    path("notices/tasks/<int:task_id>/return/", TaskReturnApi.as_view(), name="api-task-return"),
    path("notices/tasks/<int:task_id>/remind/", TaskRemindApi.as_view(), name="api-task-remind"),
    path("notices/tasks/<int:task_id>/close/", TaskCloseApi.as_view(), name="api-task-close"),
    path(
        "notices/tasks/recipients/<int:recipient_id>/reopen/",
        RecipientReopenApi.as_view(),
        name="api-task-reopen",
    ),
]
