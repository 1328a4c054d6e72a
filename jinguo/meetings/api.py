"""JSON API of deliberation meetings. Records come through the *_get_for_user selectors: out of
scope is a 404 like a missing record, a write by a read-only role a 403. Resolution
transitions share one endpoint, POST /meetings/resolutions/{id}/actions/, with an `action`.

Choice values are plain strings documented in help texts (enum components named after common
field names would collide with other apps' enums in the schema).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
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
    figures_api,
    many_data,
)
from jinguo.common.dates import ApiDateField
from jinguo.meetings import resolutions, selectors, services
from jinguo.meetings.models import Meeting, Resolution, ResolutionChange
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible

TAGS = ["meetings"]


@extend_schema_serializer(component_name="Meeting")
class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer(help_text=gettext_lazy("召开组织"))
    kind = serializers.CharField(
        help_text=gettext_lazy(
            "women_council 妇女议事会；executive_committee 执委会；"
            "democratic_consultation 民主协商会；quarterly 一季一议事"
        )
    )
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    planned_at = serializers.DateTimeField()
    place = RefSerializer(allow_null=True)
    status = serializers.CharField(help_text=gettext_lazy("planned / held / cancelled"))
    status_label = serializers.CharField(source="get_status_display")
    held_on = serializers.DateField(allow_null=True)
    is_public = serializers.BooleanField(help_text=gettext_lazy("在公示页显示"))
    attendee_count = serializers.IntegerField()
    topic_count = serializers.IntegerField()
    resolution_count = serializers.IntegerField()


@extend_schema_serializer(component_name="MeetingAttendee")
class AttendeeSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    role = serializers.CharField(
        help_text=gettext_lazy("executive 执委；resident 群众；guest 列席")
    )
    attended = serializers.BooleanField()


@extend_schema_serializer(component_name="MeetingResolution")
class ResolutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    topic = serializers.IntegerField(source="topic_id")
    content = serializers.CharField()
    status = serializers.CharField(
        help_text=gettext_lazy(
            "proposed / adopted / rejected / forwarded / in_progress / done / not_adopted"
        )
    )
    status_label = serializers.CharField(source="get_status_display")
    forwarded_on = serializers.DateField(allow_null=True)
    forwarded_to = serializers.CharField()
    done_on = serializers.DateField(allow_null=True)
    result = serializers.CharField()
    reason = serializers.CharField()
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, resolution: Resolution) -> list[str]:
        meeting = self.context.get("meeting")
        return resolutions.allowed_actions(resolution, meeting)


@extend_schema_serializer(component_name="MeetingTopic")
class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    raised_by = RefSerializer(allow_null=True)
    discussion = serializers.CharField()
    resolutions = serializers.SerializerMethodField()

    @extend_schema_field(ResolutionSerializer(many=True))
    def get_resolutions(self, topic: Any) -> list[dict[str, Any]]:
        rows = topic.resolutions.all()
        return many_data(ResolutionSerializer(rows, many=True, context=self.context))


@extend_schema_serializer(component_name="MeetingDetail")
class MeetingDetailSerializer(MeetingSerializer):
    cancel_reason = serializers.CharField()
    minutes = serializers.CharField()
    public_summary = serializers.CharField()
    attendees = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()

    @extend_schema_field(AttendeeSerializer(many=True))
    def get_attendees(self, meeting: Meeting) -> list[dict[str, Any]]:
        rows = selectors.meeting_attendees(meeting=meeting)
        return many_data(AttendeeSerializer(rows, many=True))

    @extend_schema_field(TopicSerializer(many=True))
    def get_topics(self, meeting: Meeting) -> list[dict[str, Any]]:
        rows = selectors.meeting_topics(meeting=meeting)
        context = {"meeting": meeting}
        return many_data(TopicSerializer(rows, many=True, context=context))


def _detail(request: Request, meeting_id: int, code: int = status.HTTP_200_OK) -> Response:
    user = api_user(request)
    meeting = selectors.meeting_list(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        selectors.meeting_get_for_user(user=user, meeting_id=meeting_id)  # raises the 404
    return Response(MeetingDetailSerializer(meeting).data, status=code)


def _people(user: User, ids: list[int], field: str) -> list[Person]:
    """Persons the caller may see; any other ID is an error (不存在), never silently dropped."""
    # An id no key can hold (SQLite cannot even bind it in an IN list) is simply not found.
    low, high = connection.ops.integer_field_range("BigAutoField")
    keys = [pk for pk in set(ids) if low <= pk <= high]
    people = list(person_list_visible(user=user).filter(pk__in=keys))
    if len(people) != len(set(ids)):
        raise ValidationError({field: [_("所选人员不存在")]})
    return people


@extend_schema_serializer(component_name="MeetingPeriodQuery")
class PeriodSerializer(serializers.Serializer):
    org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织（含下级）"))
    kind = serializers.CharField(required=False, help_text=gettext_lazy("会议类型代码"))
    start = ApiDateField(required=False)
    end = ApiDateField(required=False)


class MeetingListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="MeetingListFilter")
    class FilterSerializer(PeriodSerializer):
        status = serializers.CharField(
            required=False, help_text=gettext_lazy("planned / held / cancelled")
        )

    @extend_schema(
        operation_id="meeting_list",
        summary=gettext_lazy("议事会议列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: MeetingSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org = api_org(user, wanted.pop("org", None))
        meetings = selectors.meeting_list(user=user, org=org, **wanted)
        return api_paginated(self, meetings, MeetingSerializer)


class MeetingCreateApi(APIView):
    @extend_schema_serializer(component_name="MeetingCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(help_text=gettext_lazy("召开组织"))
        kind = serializers.CharField(help_text=gettext_lazy("会议类型代码"))
        title = serializers.CharField(max_length=100)
        planned_at = serializers.DateTimeField()
        place = serializers.IntegerField(required=False, allow_null=True, default=None)
        is_public = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("留空按会议类型")
        )
        executives = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        residents = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )

    @extend_schema(
        operation_id="meeting_create",
        summary=gettext_lazy("计划议事会议"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=data.pop("org"), for_write=True)
        place_id = data.pop("place")
        place = None
        if place_id is not None:
            place = selectors.meeting_venues(user=user).filter(pk=place_id).first()
            if place is None:
                raise ValidationError({"place": [_("所选地点不存在")]})
        data["executives"] = _people(user, data["executives"], "executives")
        data["residents"] = _people(user, data["residents"], "residents")
        meeting = services.meeting_create(actor=user, org=org, place=place, **data)
        return _detail(request, meeting.pk, status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    @extend_schema(
        operation_id="meeting_detail",
        summary=gettext_lazy("议事会议详情：参会人员、议题、决议、纪要"),
        tags=TAGS,
        responses={200: MeetingDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        return _detail(request, meeting_id)


class MeetingHeldApi(APIView):
    @extend_schema_serializer(component_name="MeetingHeldInput")
    class InputSerializer(serializers.Serializer):
        held_on = ApiDateField()
        attended = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text=gettext_lazy("出席的受邀人员"),
        )
        extra_residents = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text=gettext_lazy("临时参会的群众"),
        )
        attendee_count = serializers.IntegerField(required=False, allow_null=True, default=None)
        minutes = serializers.CharField(required=False, allow_blank=True, default="")
        public_summary = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="meeting_record_held",
        summary=gettext_lazy("记录会议召开"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        meeting = selectors.meeting_get_for_user(user=user, meeting_id=meeting_id, for_write=True)
        invitees = set(meeting.attendees.values_list("person_id", flat=True))
        if set(data["attended"]) - invitees:
            raise ValidationError({"attended": [_("只能勾选会议邀请的人员")]})
        data["attended"] = list(Person.objects.filter(pk__in=data["attended"]))
        data["extra_residents"] = _people(user, data["extra_residents"], "extra_residents")
        services.meeting_record_held(actor=user, meeting=meeting, **data)
        return _detail(request, meeting_id)


class MeetingCancelApi(APIView):
    @extend_schema_serializer(component_name="MeetingCancelInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(
        operation_id="meeting_cancel",
        summary=gettext_lazy("取消会议"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        meeting = selectors.meeting_get_for_user(user=user, meeting_id=meeting_id, for_write=True)
        services.meeting_cancel(actor=user, meeting=meeting, reason=data["reason"])
        return _detail(request, meeting_id)


class MeetingTopicAddApi(APIView):
    @extend_schema_serializer(component_name="MeetingTopicInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        raised_by = serializers.IntegerField(required=False, allow_null=True, default=None)
        discussion = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="meeting_topic_add",
        summary=gettext_lazy("添加议题"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        meeting = selectors.meeting_get_for_user(user=user, meeting_id=meeting_id, for_write=True)
        raised = data.pop("raised_by")
        data["raised_by"] = _people(user, [raised], "raised_by")[0] if raised else None
        services.topic_add(actor=user, meeting=meeting, **data)
        return _detail(request, meeting_id, status.HTTP_201_CREATED)


class MeetingResolutionAddApi(APIView):
    @extend_schema_serializer(component_name="MeetingResolutionInput")
    class InputSerializer(serializers.Serializer):
        content = serializers.CharField()

    @extend_schema(
        operation_id="meeting_resolution_add",
        summary=gettext_lazy("就议题提出决议"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: ResolutionSerializer, **ERRORS},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        topic = selectors.topic_get_for_user(user=user, topic_id=topic_id, for_write=True)
        row = resolutions.resolution_propose(actor=user, topic=topic, content=data["content"])
        return Response(ResolutionSerializer(row).data, status=status.HTTP_201_CREATED)


class MeetingResolutionListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="MeetingResolutionFilter")
    class FilterSerializer(PeriodSerializer):
        status = serializers.CharField(required=False, help_text=gettext_lazy("决议状态代码"))
        stage = serializers.CharField(
            required=False,
            help_text=gettext_lazy(
                "adopted 会议通过（含之后各状态）；forwarded 已提交两委（含之后）；done 已落实；"
                "follow_up 待跟进（已通过、已提交、落实中，最早的在前）"
            ),
        )

    @extend_schema(
        operation_id="meeting_resolution_list",
        summary=gettext_lazy("议事决议列表（含待跟进）"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: ResolutionSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org = api_org(user, wanted.pop("org", None))
        rows = selectors.resolution_list(user=user, org=org, **wanted)
        return api_paginated(self, rows, ResolutionSerializer)


Run = Callable[[User, Resolution, dict[str, Any]], Any]


def _need(data: dict[str, Any], field: str) -> Any:
    if data.get(field) is None:
        raise ValidationError({field: [_("该操作须填写此项")]})
    return data[field]


RUNS: dict[str, Run] = {
    ResolutionChange.Action.ADOPT: lambda u, r, d: resolutions.resolution_adopt(
        actor=u, resolution=r, note=d["note"]
    ),
    ResolutionChange.Action.REJECT: lambda u, r, d: resolutions.resolution_reject(
        actor=u, resolution=r, reason=d["reason"]
    ),
    ResolutionChange.Action.FORWARD: lambda u, r, d: resolutions.resolution_forward(
        actor=u,
        resolution=r,
        forwarded_on=_need(d, "forwarded_on"),
        forwarded_to=d["forwarded_to"],
        note=d["note"],
    ),
    ResolutionChange.Action.START: lambda u, r, d: resolutions.resolution_start(
        actor=u, resolution=r, note=d["note"]
    ),
    ResolutionChange.Action.COMPLETE: lambda u, r, d: resolutions.resolution_complete(
        actor=u, resolution=r, done_on=_need(d, "done_on"), result=d["result"]
    ),
    ResolutionChange.Action.DECLINE: lambda u, r, d: resolutions.resolution_decline(
        actor=u, resolution=r, reason=d["reason"]
    ),
}


class MeetingResolutionActionApi(APIView):
    @extend_schema_serializer(component_name="MeetingResolutionActionInput")
    class InputSerializer(serializers.Serializer):
        action = serializers.CharField(
            help_text=gettext_lazy(
                "adopt 会议通过；reject 未通过（reason）；forward 提交两委（forwarded_on, "
                "forwarded_to）；start 开始落实；complete 落实完成（done_on, result）；"
                "decline 两委未采纳（reason）"
            )
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        forwarded_on = ApiDateField(required=False, allow_null=True, default=None)
        forwarded_to = serializers.CharField(required=False, allow_blank=True, default="")
        done_on = ApiDateField(required=False, allow_null=True, default=None)
        result = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="meeting_resolution_action",
        summary=gettext_lazy("决议办理：通过、提交两委、落实、完成、未采纳"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: ResolutionSerializer, **ERRORS},
    )
    def post(self, request: Request, resolution_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        run = RUNS.get(data["action"])
        if run is None:
            raise ValidationError({"action": [_("未知的操作")]})
        row = selectors.resolution_get_for_user(
            user=user, resolution_id=resolution_id, for_write=True
        )
        row = run(user, row, data)
        return Response(ResolutionSerializer(row).data)


MeetingFiguresApi = figures_api(
    selector=selectors.meeting_figures,
    operation_id="meeting_figures",
    summary=gettext_lazy("议事协商成效（按组织与时段统计）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route("meetings/", "api-meetings", MeetingListApi, MeetingCreateApi),
    path("meetings/figures/", MeetingFiguresApi.as_view(), name="api-meeting-figures"),
    path(
        "meetings/resolutions/",
        MeetingResolutionListApi.as_view(),
        name="api-meeting-resolutions",
    ),
    path(
        "meetings/resolutions/<int:resolution_id>/actions/",
        MeetingResolutionActionApi.as_view(),
        name="api-meeting-resolution-actions",
    ),
    path(
        "meetings/topics/<int:topic_id>/resolutions/",
        MeetingResolutionAddApi.as_view(),
        name="api-meeting-topic-resolutions",
    ),
    path("meetings/<int:meeting_id>/", MeetingDetailApi.as_view(), name="api-meeting"),
    path("meetings/<int:meeting_id>/held/", MeetingHeldApi.as_view(), name="api-meeting-held"),
    path(
        "meetings/<int:meeting_id>/cancel/", MeetingCancelApi.as_view(), name="api-meeting-cancel"
    ),
    path(
        "meetings/<int:meeting_id>/topics/",
        MeetingTopicAddApi.as_view(),
        name="api-meeting-topics",
    ),
]
