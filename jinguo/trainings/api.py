"""JSON API of trainings: one APIView per operation, all within the caller's scope.

Courses and sessions come through the selectors' fetch-and-check functions (404 out of scope,
403 for read-only roles on writes); posted person and venue ids through the scoped selectors, so
an id outside the caller's scope is "不存在" (400), never silently accepted.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import path
from django.utils import timezone
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
)
from jinguo.common.dates import ApiDateField, PeriodSerializer
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible
from jinguo.trainings import selectors, services
from jinguo.trainings.models import MAX_HOURS, MIN_HOURS, Topic

TAGS = ["trainings"]
TOPIC_HELP = gettext_lazy(
    "policy 政策与业务；family_education 家庭教育；mediation 矛盾调解与法律；"
    "digital 数字技能；employment 就业技能；health 健康；other 其他"
)
AUDIENCE_HELP = gettext_lazy("executives 执委干部；residents 妇女群众；both 两者")


def _people(user: User, ids: list[int], field: str) -> list[Person]:
    wanted = set(ids)
    # An id no key can hold (SQLite cannot even bind it in an IN list) is simply not found.
    low, high = connection.ops.integer_field_range("BigAutoField")
    keys = [pk for pk in wanted if low <= pk <= high]
    found = list(person_list_visible(user=user).filter(pk__in=keys))
    if len(found) != len(wanted):
        raise ValidationError({field: [_("所选人员不存在")]})
    return found


def _venue(user: User, venue_id: int | None) -> Venue | None:
    if venue_id is None:
        return None
    venue = selectors.venue_choices(user=user).filter(pk=venue_id).first()
    if venue is None:
        raise ValidationError({"venue": [_("阵地不存在")]})
    return venue


@extend_schema_serializer(component_name="TrainingCourse")
class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    title = serializers.CharField()
    topic = serializers.CharField(help_text=TOPIC_HELP)
    audience = serializers.CharField(help_text=AUDIENCE_HELP)
    planned_hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    description = serializers.CharField()
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="TrainingCourseListItem")
class CourseListItemSerializer(CourseSerializer):
    held_count = serializers.IntegerField(help_text=gettext_lazy("已举办场次"))
    enrolled_count = serializers.IntegerField(help_text=gettext_lazy("报名人数"))


@extend_schema_serializer(component_name="TrainingSession")
class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField(source="course_id")
    held_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    venue = serializers.IntegerField(source="venue_id", allow_null=True)
    place = serializers.CharField()
    trainer = serializers.CharField()
    status = serializers.CharField(
        help_text=gettext_lazy("planned 计划；held 已举办；cancelled 已取消")
    )


@extend_schema_serializer(component_name="TrainingSessionWithCount")
class SessionWithCountSerializer(SessionSerializer):
    person_times = serializers.IntegerField(help_text=gettext_lazy("出勤人次"))


@extend_schema_serializer(component_name="TrainingEnrolment")
class EnrolmentSerializer(serializers.Serializer):
    person = serializers.SerializerMethodField()
    enrolled_at = serializers.DateTimeField()

    @extend_schema_field(RefSerializer())
    def get_person(self, enrolment: Any) -> dict[str, Any]:
        return {"id": enrolment.person_id, "name": enrolment.person.name}


@extend_schema_serializer(component_name="TrainingCourseDetail")
class CourseDetailSerializer(CourseSerializer):
    sessions = serializers.SerializerMethodField()
    enrolments = serializers.SerializerMethodField()

    @extend_schema_field(SessionWithCountSerializer(many=True))
    def get_sessions(self, course: Any) -> Any:
        return SessionWithCountSerializer(selectors.course_sessions(course=course), many=True).data

    @extend_schema_field(EnrolmentSerializer(many=True))
    def get_enrolments(self, course: Any) -> Any:
        return EnrolmentSerializer(selectors.course_enrolments(course=course), many=True).data


class CourseListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="TrainingCourseListFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("只列该组织之下"))
        topic = serializers.CharField(required=False, help_text=TOPIC_HELP)
        q = serializers.CharField(required=False, help_text=gettext_lazy("课程名称包含"))

    @extend_schema(
        operation_id="training_course_list",
        summary=gettext_lazy("培训课程列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: CourseListItemSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org_id = wanted.get("org")
        org = org_get_for_user(user=user, org_id=org_id) if org_id else None
        topic = wanted.get("topic")
        courses = selectors.course_list(
            user=user,
            org=org,
            topic=topic if topic in Topic.values else None,
            query=wanted.get("q", ""),
        )
        return api_paginated(self, courses, CourseListItemSerializer)


class CourseCreateApi(APIView):
    @extend_schema_serializer(component_name="TrainingCourseCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
        title = serializers.CharField(max_length=100)
        # Plain strings, not enums: the service checks them and answers in Chinese.
        topic = serializers.CharField(help_text=TOPIC_HELP)
        audience = serializers.CharField(help_text=AUDIENCE_HELP)
        planned_hours = serializers.DecimalField(max_digits=5, decimal_places=1)
        description = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="training_course_create",
        summary=gettext_lazy("新建培训课程"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: CourseSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org_id = data.pop("org", None) or user.org_id or 0
        org = org_get_for_user(user=user, org_id=org_id, for_write=True)
        course = services.course_create(actor=user, org=org, **data)
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)


class CourseDetailApi(APIView):
    @extend_schema(
        operation_id="training_course_detail",
        summary=gettext_lazy("培训课程详情：场次与报名学员"),
        tags=TAGS,
        responses={200: CourseDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, course_id: int) -> Response:
        course = selectors.course_get_for_user(user=api_user(request), course_id=course_id)
        return Response(CourseDetailSerializer(course).data)


class CourseEnrolApi(APIView):
    @extend_schema_serializer(component_name="TrainingCourseEnrolInput")
    class InputSerializer(serializers.Serializer):
        people = serializers.ListField(child=serializers.IntegerField(), min_length=1)

    @extend_schema(
        operation_id="training_course_enrol",
        summary=gettext_lazy("报名培训课程"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: EnrolmentSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request, course_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        course = selectors.course_get_for_user(user=user, course_id=course_id, for_write=True)
        people = _people(user, data["people"], "people")
        rows = services.course_enrol(actor=user, course=course, people=people)
        return Response(EnrolmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class SessionCreateApi(APIView):
    @extend_schema_serializer(component_name="TrainingSessionCreateInput")
    class InputSerializer(serializers.Serializer):
        held_on = ApiDateField()
        hours = serializers.DecimalField(
            max_digits=4, decimal_places=1, min_value=MIN_HOURS, max_value=MAX_HOURS
        )
        venue = serializers.IntegerField(required=False, allow_null=True, default=None)
        place = serializers.CharField(required=False, allow_blank=True, default="")
        trainer = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="training_session_create",
        summary=gettext_lazy("新增培训场次"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: SessionSerializer, **ERRORS},
    )
    def post(self, request: Request, course_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        course = selectors.course_get_for_user(user=user, course_id=course_id, for_write=True)
        data["venue"] = _venue(user, data["venue"])
        session = services.session_create(actor=user, course=course, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionHeldApi(APIView):
    @extend_schema(
        operation_id="training_session_held",
        summary=gettext_lazy("确认培训场次已举办"),
        tags=TAGS,
        request=None,
        responses={200: SessionSerializer, **ERRORS},
    )
    def post(self, request: Request, session_id: int) -> Response:
        user = api_user(request)
        session = selectors.session_get_for_user(user=user, session_id=session_id, for_write=True)
        return Response(
            SessionSerializer(services.session_mark_held(actor=user, session=session)).data
        )


@extend_schema_serializer(component_name="TrainingAttendance")
class AttendanceSerializer(serializers.Serializer):
    person = serializers.SerializerMethodField()
    attended = serializers.BooleanField()

    @extend_schema_field(RefSerializer())
    def get_person(self, row: Any) -> dict[str, Any]:
        return {"id": row.person_id, "name": row.person.name}


class SessionAttendanceApi(APIView):
    @extend_schema_serializer(component_name="TrainingSessionAttendanceInput")
    class InputSerializer(serializers.Serializer):
        attended = serializers.ListField(
            child=serializers.IntegerField(),
            help_text=gettext_lazy("到场的报名学员；其余报名学员记为缺席"),
        )
        walk_ins = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text=gettext_lazy("临时参加的人员：自动报名并记为到场"),
        )

    @extend_schema(
        operation_id="training_session_attendance_set",
        summary=gettext_lazy("登记培训场次出勤（整体设置）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: AttendanceSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request, session_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        session = selectors.session_get_for_user(user=user, session_id=session_id, for_write=True)
        rows = services.session_record_attendance(
            actor=user,
            session=session,
            attended=_people(user, data["attended"], "attended"),
            walk_ins=_people(user, data["walk_ins"], "walk_ins"),
        )
        return Response(AttendanceSerializer(rows, many=True).data)


@extend_schema_serializer(component_name="TrainingPeriodQuery")
class PeriodQuerySerializer(PeriodSerializer):
    org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
    start = ApiDateField(required=False, help_text=gettext_lazy("默认今年1月1日"))
    end = ApiDateField(required=False, help_text=gettext_lazy("默认今天"))


def _period(request: Request) -> tuple[User, OrgUnit, Any, Any]:
    wanted, user = api_query(PeriodQuerySerializer, request), api_user(request)
    today = timezone.localdate()
    start, end = wanted.get("start", today.replace(month=1, day=1)), wanted.get("end", today)
    if start > end:
        start, end = end, start
    return user, api_org(user, wanted.get("org")), start, end


@extend_schema_serializer(component_name="TrainingCoverageCounts")
class CoverageCountsSerializer(serializers.Serializer):
    sessions = serializers.IntegerField(help_text=gettext_lazy("举办场次（按主办组织）"))
    hours = serializers.DecimalField(max_digits=10, decimal_places=1)
    person_times = serializers.IntegerField(help_text=gettext_lazy("培训人次（按学员所属组织）"))
    trainees = serializers.IntegerField()
    trainee_hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    executives = serializers.IntegerField()
    executives_trained = serializers.IntegerField()
    executives_trained_pct = serializers.FloatField()


@extend_schema_serializer(component_name="TrainingCoverageChild")
class CoverageChildSerializer(serializers.Serializer):
    org = RefSerializer()
    counts = CoverageCountsSerializer()


@extend_schema_serializer(component_name="TrainingCoverage")
class CoverageSerializer(serializers.Serializer):
    org = RefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    total = CoverageCountsSerializer()
    children = CoverageChildSerializer(many=True)


class CoverageApi(APIView):
    @extend_schema(
        operation_id="training_coverage",
        summary=gettext_lazy("培训覆盖（按组织与时段，含下级单位）"),
        tags=TAGS,
        parameters=[PeriodQuerySerializer],
        responses={200: CoverageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user, org, start, end = _period(request)
        found = selectors.training_coverage(user=user, org=org, start=start, end=end)
        data = {
            "org": org,
            "start": start,
            "end": end,
            "total": found.total,
            "children": [{"org": child, "counts": counts} for child, counts in found.children],
        }
        return Response(CoverageSerializer(data).data)


FiguresApi = figures_api(
    selector=selectors.trainings_figures,
    operation_id="training_figures",
    summary=gettext_lazy("培训工作成效（按组织与时段统计）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route("trainings/courses/", "api-training-courses", CourseListApi, CourseCreateApi),
    path(
        "trainings/courses/<int:course_id>/",
        CourseDetailApi.as_view(),
        name="api-training-course",
    ),
    path(
        "trainings/courses/<int:course_id>/enrolments/",
        CourseEnrolApi.as_view(),
        name="api-training-course-enrol",
    ),
    path(
        "trainings/courses/<int:course_id>/sessions/",
        SessionCreateApi.as_view(),
        name="api-training-sessions",
    ),
    path(
        "trainings/sessions/<int:session_id>/held/",
        SessionHeldApi.as_view(),
        name="api-training-session-held",
    ),
    path(
        "trainings/sessions/<int:session_id>/attendance/",
        SessionAttendanceApi.as_view(),
        name="api-training-session-attendance",
    ),
    path("trainings/coverage/", CoverageApi.as_view(), name="api-training-coverage"),
    path("trainings/figures/", FiguresApi.as_view(), name="api-training-figures"),
]
