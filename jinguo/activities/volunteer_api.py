"""JSON API of volunteer teams: teams, memberships and service hours, all within the caller's
scope. Records come through the selectors' fetch-and-check functions (404 outside the scope,
403 for read-only roles on writes); persons and activities named in a request are fetched the
same way."""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.activities import selectors, volunteers
from jinguo.activities.api import TAGS
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
)
from jinguo.common.dates import ApiDateField
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.selectors import person_get_for_user

# --- volunteer teams ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="VolunteerTeam")
class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    name = serializers.CharField()
    founded_on = serializers.DateField()
    is_active = serializers.BooleanField()
    members = serializers.IntegerField(help_text=gettext_lazy("在队志愿者人数"))
    total_hours = serializers.DecimalField(
        max_digits=10, decimal_places=1, allow_null=True, help_text=gettext_lazy("累计服务时长")
    )


class TeamListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="VolunteerTeamListFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("只列该组织之下的"))
        active = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="volunteer_team_list",
        summary=gettext_lazy("巾帼志愿者服务队列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: TeamSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=wanted["org"]) if "org" in wanted else None
        teams = selectors.team_list(user=user, org=org, active=wanted.get("active"))
        return api_paginated(self, teams, TeamSerializer)


class TeamCreateApi(APIView):
    @extend_schema_serializer(component_name="VolunteerTeamCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("默认本人组织")
        )
        name = serializers.CharField(max_length=100)
        founded_on = ApiDateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="volunteer_team_create",
        summary=gettext_lazy("成立巾帼志愿者服务队"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: TeamSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org"), for_write=True)
        team = volunteers.team_create(actor=user, org=org, **data)
        fresh = selectors.team_get_for_user(user=user, team_id=team.pk)
        return Response(TeamSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="VolunteerMembership")
class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    person = RefSerializer()
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


class MembershipAddApi(APIView):
    @extend_schema_serializer(component_name="VolunteerMembershipAddInput")
    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField()
        joined_on = ApiDateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="volunteer_membership_add",
        summary=gettext_lazy("志愿者加入服务队"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: MembershipSerializer, **ERRORS},
    )
    def post(self, request: Request, team_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        team = selectors.team_get_for_user(user=user, team_id=team_id, for_write=True)
        person = person_get_for_user(user=user, person_id=data["person"])
        membership = volunteers.membership_add(
            actor=user, team=team, person=person, joined_on=data["joined_on"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="VolunteerServiceHours")
class HoursSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id")
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    served_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    note = serializers.CharField()


class HoursRecordApi(APIView):
    @extend_schema_serializer(component_name="VolunteerHoursRecordInput")
    class InputSerializer(serializers.Serializer):
        served_on = ApiDateField()
        hours = serializers.DecimalField(
            max_digits=4, decimal_places=1, help_text=gettext_lazy("0.5到24小时")
        )
        activity = serializers.IntegerField(required=False, allow_null=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    @extend_schema(
        operation_id="volunteer_hours_record",
        summary=gettext_lazy("记录志愿服务时长"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: HoursSerializer, **ERRORS},
    )
    def post(self, request: Request, membership_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        membership = selectors.membership_get_for_user(
            user=user, membership_id=membership_id, for_write=True
        )
        activity_id = data.pop("activity")
        if activity_id is not None:
            data["activity"] = selectors.activity_get_for_user(user=user, activity_id=activity_id)
        row = volunteers.hours_record(actor=user, membership=membership, **data)
        return Response(HoursSerializer(row).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    *api_route("volunteer-teams/", "api-volunteer-teams", TeamListApi, TeamCreateApi),
    path(
        "volunteer-teams/<int:team_id>/members/",
        MembershipAddApi.as_view(),
        name="api-volunteer-membership-add",
    ),
    path(
        "volunteer-memberships/<int:membership_id>/hours/",
        HoursRecordApi.as_view(),
        name="api-volunteer-hours",
    ),
]
