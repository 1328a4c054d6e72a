"""JSON API of activities and recurring series (volunteer teams: activities.volunteer_api): one
APIView per operation, all within the caller's scope. Records come through the selectors'
fetch-and-check functions (404 outside the scope, 403 for read-only roles on writes); persons,
venues and activities named in a request are fetched the same way. Photos are uploaded through
the pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.accounts.models import User
from jinguo.activities import selectors, services
from jinguo.activities.models import Activity, ActivitySeries
from jinguo.activities.selectors import ActivityFilters
from jinguo.common.api import (
    ERRORS,
    LocalTimeField,
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
from jinguo.common.dates import ApiDateField
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.selectors import person_get_for_user

TAGS = ["activities"]
KIND_HELP = gettext_lazy(
    "festival 节日活动；volunteer_service 志愿服务；lecture 宣讲；culture_sport 文体活动；"
    "employment 就业帮扶；family_education 家庭教育"
)
STATUS_HELP = gettext_lazy("planned 计划中；held 已举办；cancelled 已取消")


def _venue(user: User, org: OrgUnit, venue_id: int | None) -> Venue | None:
    if venue_id is None:
        return None
    venue = selectors.venues_for_org(user=user, org=org).filter(pk=venue_id).first()
    if venue is None:
        raise ValidationError({"venue": [gettext_lazy("活动阵地不存在或不属于该组织")]})
    return venue


@extend_schema_serializer(component_name="ActivityParticipant")
class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id", allow_null=True)
    name = serializers.CharField()
    attended = serializers.BooleanField()


@extend_schema_serializer(component_name="Activity")
class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    kind = serializers.CharField(help_text=KIND_HELP)
    title = serializers.CharField()
    venue = RefSerializer(allow_null=True)
    starts_on = serializers.DateField()
    start_time = LocalTimeField(allow_null=True)
    status = serializers.CharField(help_text=STATUS_HELP)
    series = serializers.IntegerField(source="series_id", allow_null=True)
    headcount = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("参与人次"))
    summary = serializers.CharField()
    cancel_reason = serializers.CharField()


@extend_schema_serializer(component_name="ActivityListItem")
class ActivityListSerializer(ActivitySerializer):
    registered = serializers.IntegerField(help_text=gettext_lazy("报名人数"))
    attended = serializers.IntegerField(help_text=gettext_lazy("到场人数"))


@extend_schema_serializer(component_name="ActivityDetail")
class ActivityDetailSerializer(ActivitySerializer):
    description = serializers.CharField()
    organisers = RefSerializer(many=True)
    participants = ParticipantSerializer(many=True)


def _detail(user: User, activity_id: int) -> Response:
    activity = selectors.activity_get_for_user(user=user, activity_id=activity_id)
    data: dict[str, Any] = ActivitySerializer(activity).data
    data["description"] = activity.description
    data["organisers"] = [
        {"id": p.pk, "name": p.name} for p in selectors.activity_organisers(activity=activity)
    ]
    data["participants"] = ParticipantSerializer(
        selectors.activity_participants(activity=activity), many=True
    ).data
    return Response(data)


class ActivityListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="ActivityListFilter")
    class FilterSerializer(serializers.Serializer):
        kind = serializers.CharField(required=False, max_length=20, help_text=KIND_HELP)
        status = serializers.ChoiceField(choices=Activity.Status.choices, required=False)
        start = ApiDateField(required=False, help_text=gettext_lazy("活动日期起"))
        end = ApiDateField(required=False, help_text=gettext_lazy("活动日期止"))
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("只列该组织之下的"))
        series = serializers.IntegerField(required=False)
        q = serializers.CharField(required=False, max_length=50)

    @extend_schema(
        operation_id="activity_list",
        summary=gettext_lazy("活动列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: ActivityListSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=wanted["org"]) if "org" in wanted else None
        filters = ActivityFilters(
            kind=wanted.get("kind"),
            status=wanted.get("status"),
            start=wanted.get("start"),
            end=wanted.get("end"),
            org=org,
            series=wanted.get("series"),
            query=wanted.get("q", ""),
        )
        activities = selectors.activity_list(user=user, filters=filters)
        return api_paginated(self, activities, ActivityListSerializer)


class ActivityCreateApi(APIView):
    @extend_schema_serializer(component_name="ActivityCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("默认本人组织")
        )
        kind = serializers.CharField(max_length=20, help_text=KIND_HELP)
        title = serializers.CharField(max_length=100)
        venue = serializers.IntegerField(required=False, allow_null=True, default=None)
        starts_on = ApiDateField()
        start_time = LocalTimeField(required=False, allow_null=True, default=None)
        organisers = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        description = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="activity_create",
        summary=gettext_lazy("登记活动"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: ActivitySerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org"), for_write=True)
        data["venue"] = _venue(user, org, data.pop("venue"))
        data["organisers"] = [
            person_get_for_user(user=user, person_id=pk) for pk in dict.fromkeys(data["organisers"])
        ]
        activity = services.activity_create(actor=user, org=org, **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailApi(APIView):
    @extend_schema(
        operation_id="activity_detail",
        summary=gettext_lazy("活动详情：组织者与报名参与人"),
        tags=TAGS,
        responses={200: ActivityDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, activity_id: int) -> Response:
        return _detail(api_user(request), activity_id)


class ActivityRegisterApi(APIView):
    @extend_schema_serializer(component_name="ActivityRegisterInput")
    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("人员编号")
        )
        name = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=50,
            help_text=gettext_lazy("无人员档案的群众：只填姓名"),
        )

    @extend_schema(
        operation_id="activity_register",
        summary=gettext_lazy("活动报名"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: ParticipantSerializer, **ERRORS},
    )
    def post(self, request: Request, activity_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        activity = selectors.activity_get_for_user(
            user=user, activity_id=activity_id, for_write=True
        )
        person_id = data.pop("person")
        person = person_get_for_user(user=user, person_id=person_id) if person_id else None
        participant = services.activity_register(
            actor=user, activity=activity, person=person, name=data["name"]
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class ActivityAttendApi(APIView):
    @extend_schema_serializer(component_name="ActivityAttendInput")
    class InputSerializer(serializers.Serializer):
        attended = serializers.BooleanField()

    @extend_schema(
        operation_id="activity_mark_attended",
        summary=gettext_lazy("标记报名人是否到场"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: ParticipantSerializer, **ERRORS},
    )
    def post(self, request: Request, activity_id: int, participant_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        activity = selectors.activity_get_for_user(
            user=user, activity_id=activity_id, for_write=True
        )
        participant = selectors.participant_get_for_user(
            user=user, activity=activity, participant_id=participant_id
        )
        done = services.activity_mark_attended(
            actor=user, participant=participant, attended=data["attended"]
        )
        return Response(ParticipantSerializer(done).data)


class ActivityHoldApi(APIView):
    @extend_schema_serializer(component_name="ActivityHoldInput")
    class InputSerializer(serializers.Serializer):
        headcount = serializers.IntegerField(
            min_value=1, help_text=gettext_lazy("参与人次，不少于已到场的报名人数")
        )
        summary = serializers.CharField()

    @extend_schema(
        operation_id="activity_hold",
        summary=gettext_lazy("记录活动已举办"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: ActivitySerializer, **ERRORS},
    )
    def post(self, request: Request, activity_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        activity = selectors.activity_get_for_user(
            user=user, activity_id=activity_id, for_write=True
        )
        done = services.activity_hold(actor=user, activity=activity, **data)
        return Response(ActivitySerializer(done).data)


class ActivityCancelApi(APIView):
    @extend_schema_serializer(component_name="ActivityCancelInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)

    @extend_schema(
        operation_id="activity_cancel",
        summary=gettext_lazy("取消活动"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: ActivitySerializer, **ERRORS},
    )
    def post(self, request: Request, activity_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        activity = selectors.activity_get_for_user(
            user=user, activity_id=activity_id, for_write=True
        )
        done = services.activity_cancel(actor=user, activity=activity, **data)
        return Response(ActivitySerializer(done).data)


# --- series -------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="ActivitySeries")
class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    kind = serializers.CharField(help_text=KIND_HELP)
    title = serializers.CharField()
    venue = RefSerializer(allow_null=True)
    rule = serializers.CharField(help_text=gettext_lazy("monthly 每月；weekly 每周"))
    day_of_month = serializers.IntegerField(allow_null=True)
    weekday = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("0 = 星期一 … 6 = 星期日")
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()


class SeriesListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="ActivitySeriesListFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("只列该组织之下的"))

    @extend_schema(
        operation_id="activity_series_list",
        summary=gettext_lazy("周期性活动列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: SeriesSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=wanted["org"]) if "org" in wanted else None
        return api_paginated(self, selectors.series_list(user=user, org=org), SeriesSerializer)


class SeriesCreateApi(APIView):
    @extend_schema_serializer(component_name="ActivitySeriesCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("默认本人组织")
        )
        kind = serializers.CharField(max_length=20, help_text=KIND_HELP)
        title = serializers.CharField(max_length=100)
        venue = serializers.IntegerField(required=False, allow_null=True, default=None)
        rule = serializers.ChoiceField(choices=ActivitySeries.Rule.choices)
        day_of_month = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=31
        )
        weekday = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=0, max_value=6
        )
        starts_on = ApiDateField()
        ends_on = ApiDateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="activity_series_create",
        summary=gettext_lazy("新建周期性活动"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: SeriesSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org"), for_write=True)
        data["venue"] = _venue(user, org, data.pop("venue"))
        series = services.series_create(actor=user, org=org, **data)
        return Response(SeriesSerializer(series).data, status=status.HTTP_201_CREATED)


class SeriesScheduleApi(APIView):
    @extend_schema_serializer(component_name="ActivitySeriesScheduleInput")
    class InputSerializer(serializers.Serializer):
        until = ApiDateField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("默认90天后")
        )

    @extend_schema(
        operation_id="activity_series_schedule",
        summary=gettext_lazy("生成周期性活动的计划场次（重复调用不会重复生成）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: ActivitySerializer(many=True), **ERRORS},
    )
    def post(self, request: Request, series_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        series = selectors.series_get_for_user(user=user, series_id=series_id, for_write=True)
        until = data["until"] or services.schedule_until()
        created = services.series_schedule(actor=user, series=series, until=until)
        return Response(ActivitySerializer(created, many=True).data)


ActivitiesFiguresApi = figures_api(
    selector=selectors.activities_figures,
    operation_id="activities_figures",
    summary=gettext_lazy("活动与志愿服务成效（按组织与时段统计）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route("activities/", "api-activities", ActivityListApi, ActivityCreateApi),
    path("activities/figures/", ActivitiesFiguresApi.as_view(), name="api-activities-figures"),
    path("activities/<int:activity_id>/", ActivityDetailApi.as_view(), name="api-activity"),
    path(
        "activities/<int:activity_id>/participants/",
        ActivityRegisterApi.as_view(),
        name="api-activity-register",
    ),
    path(
        "activities/<int:activity_id>/participants/<int:participant_id>/attendance/",
        ActivityAttendApi.as_view(),
        name="api-activity-attend",
    ),
    path("activities/<int:activity_id>/held/", ActivityHoldApi.as_view(), name="api-activity-hold"),
    path(
        "activities/<int:activity_id>/cancel/",
        ActivityCancelApi.as_view(),
        name="api-activity-cancel",
    ),
    *api_route("activity-series/", "api-activity-series", SeriesListApi, SeriesCreateApi),
    path(
        "activity-series/<int:series_id>/schedule/",
        SeriesScheduleApi.as_view(),
        name="api-activity-series-schedule",
    ),
]
