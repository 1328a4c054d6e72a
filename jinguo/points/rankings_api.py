"""JSON API of rankings, 最美执委 nominations and the points figures."""

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
    api_org,
    api_paginated,
    api_query,
    api_route,
    api_user,
    figures_api,
)
from jinguo.people.selectors import person_get_for_user
from jinguo.points import nominations, rankings, selectors
from jinguo.points.api import TAGS, PeriodQuerySerializer, _period
from jinguo.points.models import Nomination

# --- rankings, nominations, figures --------------------------------------------------------------


class PointsRankingsApi(APIView):
    @extend_schema_serializer(component_name="PointsRankings")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="PointsExecutiveRank")
        class PersonRank(serializers.Serializer):
            rank = serializers.IntegerField()
            id = serializers.IntegerField()
            name = serializers.CharField()
            points = serializers.IntegerField()

        @extend_schema_serializer(component_name="PointsUnitRank")
        class UnitRank(serializers.Serializer):
            rank = serializers.IntegerField()
            unit = RefSerializer()
            points = serializers.IntegerField()
            executives = serializers.IntegerField()
            per_executive = serializers.FloatField()

        executives = PersonRank(many=True)
        units = UnitRank(many=True)

    @extend_schema(
        operation_id="points_rankings",
        summary=gettext_lazy("执委积分排名与下级单位人均积分排名"),
        tags=TAGS,
        parameters=[PeriodQuerySerializer],
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = api_user(request)
        org, start, end = _period(user, api_query(PeriodQuerySerializer, request))
        people = rankings.executive_ranking(org=org, start=start, end=end, user=user)
        units = rankings.unit_ranking(user=user, org=org, start=start, end=end)
        data = {"executives": list(people), "units": units.rows}
        return Response(self.OutputSerializer(data).data)


@extend_schema_serializer(component_name="Nomination")
class NominationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    org = RefSerializer()
    person = RefSerializer()
    reason = serializers.CharField()
    status = serializers.CharField(
        help_text=gettext_lazy(
            "nominated 已提名；shortlisted 入围；selected 当选；not_selected 未当选"
        )
    )


class NominationListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="nomination_list",
        summary=gettext_lazy("最美执委推荐"),
        tags=TAGS,
        parameters=[PeriodQuerySerializer],
        responses={200: NominationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(PeriodQuerySerializer, request), api_user(request)
        org = api_org(user, wanted.get("org"))
        start, end = wanted.get("start"), wanted.get("end")
        rows = selectors.nomination_list(
            user=user,
            org=org,
            year_from=start.year if start else None,
            year_to=end.year if end else None,
        )
        return api_paginated(self, rows, NominationSerializer)


class NominationCreateApi(APIView):
    @extend_schema_serializer(component_name="NominationCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False)
        person = serializers.IntegerField()
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        reason = serializers.CharField()

    @extend_schema(
        operation_id="nomination_create",
        summary=gettext_lazy("推荐最美执委"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: NominationSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        person = person_get_for_user(user=user, person_id=data.pop("person"), for_write=True)
        row = nominations.nomination_create(actor=user, org=org, person=person, **data)
        return Response(NominationSerializer(row).data, status=status.HTTP_201_CREATED)


class NominationStatusApi(APIView):
    @extend_schema_serializer(component_name="NominationStatusInput")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Nomination.Status.choices)
        note = serializers.CharField(max_length=500, required=False, default="")

    @extend_schema(
        operation_id="nomination_transition",
        summary=gettext_lazy("变更最美执委推荐状态"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: NominationSerializer, **ERRORS},
    )
    def post(self, request: Request, nomination_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        row = selectors.nomination_get_for_user(
            user=user, nomination_id=nomination_id, for_write=True
        )
        row = nominations.nomination_transition(actor=user, nomination=row, **data)
        return Response(NominationSerializer(row).data)


PointsFiguresApi = figures_api(
    selector=selectors.points_figures,
    operation_id="points_figures",
    summary=gettext_lazy("履职积分工作成效（按组织与时段统计）"),
    tags=TAGS,
)

urlpatterns = [
    path("points/rankings/", PointsRankingsApi.as_view(), name="api-points-rankings"),
    path("points/figures/", PointsFiguresApi.as_view(), name="api-points-figures"),
    *api_route("points/nominations/", "api-nominations", NominationListApi, NominationCreateApi),
    path(
        "points/nominations/<int:nomination_id>/status/",
        NominationStatusApi.as_view(),
        name="api-nomination-status",
    ),
]
