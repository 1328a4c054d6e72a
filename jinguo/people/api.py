"""JSON API of people and executives: one APIView per operation, all within the caller's scope.

Numbers are masked in every answer except the unmask operation's, which needs a reason, is
audited (action "person.unmask") and is never cached; beside a masked number the birth date is
given as its year only (people.masking.birth_shown), the whole date only with the whole number.
A minor's name is masked (张*) unless the caller sees it in clear (households.policy).
"""

from typing import Any

from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.accounts.models import User
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
from jinguo.households import masking
from jinguo.households.policy import sees_sensitive
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people import selectors, services
from jinguo.people.masking import birth_shown
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person
from jinguo.people.reasons import MAX_EXPLANATION, RevealPurpose
from jinguo.people.selectors import EDUCATION_GROUPS, RosterFilters

TAGS = ["people"]
GENDERS = [("", _("未填")), *Person.Gender.choices]


def _shown(user: User) -> dict[str, bool]:
    """The serializers' context: whether minors' details go out in clear (default: masked)."""
    return {"clear": sees_sensitive(user)}


class PersonListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="PersonListFilter")
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, help_text=_("姓名、拼音首字母、身份证号或手机号后4位")
        )
        org = serializers.IntegerField(required=False, help_text=_("只列出该组织及其下级的人员"))

    @extend_schema_serializer(component_name="Person")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        org = serializers.IntegerField(source="org_id")
        org_name = serializers.CharField(source="org.name")
        name = serializers.SerializerMethodField(help_text=_("未成年人对无权查看者只显示姓"))
        gender = serializers.CharField()
        gender_label = serializers.CharField(source="get_gender_display")
        birth_year = serializers.SerializerMethodField(
            help_text=_("只给出生年份：身份证号隐去的8位正是出生日期")
        )
        id_number = serializers.CharField(source="masked_id", help_text=_("已脱敏"))
        phone = serializers.CharField(source="masked_phone", help_text=_("已脱敏"))
        education = serializers.CharField()
        education_label = serializers.CharField(source="get_education_display")
        party_member = serializers.BooleanField()

        def _masked(self, person: Person) -> bool:
            clear = self.context.get("clear", False)
            return not clear and masking.is_minor(person.birth_date)

        def get_name(self, person: Person) -> str:
            return masking.mask_name(person.name) if self._masked(person) else person.name

        @extend_schema_field(serializers.IntegerField(allow_null=True))
        def get_birth_year(self, person: Person) -> int | None:
            return birth_shown(person.birth_date)

    @extend_schema(
        operation_id="person_list",
        summary=_("人员查询"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user, wanted = api_user(request), api_query(self.FilterSerializer, request)
        org = org_get_for_user(user=user, org_id=wanted["org"]) if "org" in wanted else None
        people = selectors.person_list(user=user, query=wanted.get("q", ""), org=org)
        services.person_search_record(actor=user, query=wanted.get("q", ""), results=people)
        return api_paginated(self, people, self.OutputSerializer, _shown(user))


class PersonDetailApi(APIView):
    @extend_schema_serializer(component_name="PersonDetail")
    class OutputSerializer(PersonListApi.OutputSerializer):
        @extend_schema_serializer(component_name="PersonSeat")
        class SeatSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            org = serializers.IntegerField(source="org_id")
            org_name = serializers.CharField(source="org.name")
            post = serializers.CharField()
            post_label = serializers.CharField(source="get_post_display")
            full_time = serializers.BooleanField()
            term_start = serializers.DateField()
            term_end = serializers.DateField(allow_null=True)
            ended_on = serializers.DateField(allow_null=True)

        @extend_schema_serializer(component_name="PersonConcurrentPost")
        class PostSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            kind = serializers.CharField()
            kind_label = serializers.CharField(source="get_kind_display")
            org = serializers.IntegerField(source="org_id")
            org_name = serializers.CharField(source="org.name")
            start_date = serializers.DateField()
            end_date = serializers.DateField(allow_null=True)

        seats = serializers.SerializerMethodField()
        concurrent_posts = serializers.SerializerMethodField()

        @extend_schema_field(SeatSerializer(many=True))
        def get_seats(self, person: Person) -> list[dict[str, Any]]:
            seats = selectors.person_seats(person=person)
            return many_data(self.SeatSerializer(seats, many=True))

        @extend_schema_field(PostSerializer(many=True))
        def get_concurrent_posts(self, person: Person) -> list[dict[str, Any]]:
            posts = selectors.person_concurrent_posts(person=person)
            return many_data(self.PostSerializer(posts, many=True))

    @extend_schema(
        operation_id="person_detail",
        summary=_("人员详情（号码已脱敏）"),
        tags=TAGS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, person_id: int) -> Response:
        user = api_user(request)
        person = selectors.person_get_for_user(user=user, person_id=person_id)
        return Response(self.OutputSerializer(person, context=_shown(user)).data)


class PersonCreateApi(APIView):
    @extend_schema_serializer(component_name="PersonCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField()
        name = serializers.CharField()
        gender = serializers.ChoiceField(choices=GENDERS, required=False, default="")
        id_number = serializers.CharField(required=False, allow_blank=True, default="")
        phone = serializers.CharField(required=False, allow_blank=True, default="")
        education = serializers.ChoiceField(
            choices=Person.Education.choices, required=False, default=""
        )
        party_member = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="person_create",
        summary=_("登记人员"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: PersonDetailApi.OutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        org = org_get_for_user(user=user, org_id=data.pop("org"), for_write=True)
        person = services.person_create(actor=user, org=org, **data)
        body = PersonDetailApi.OutputSerializer(person, context=_shown(user)).data
        return Response(body, status=status.HTTP_201_CREATED)


class PersonUpdateApi(APIView):
    @extend_schema_serializer(component_name="PersonUpdateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(required=False)
        gender = serializers.ChoiceField(choices=GENDERS, required=False)
        id_number = serializers.CharField(required=False, allow_blank=True)
        phone = serializers.CharField(required=False, allow_blank=True)
        education = serializers.ChoiceField(choices=Person.Education.choices, required=False)
        party_member = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="person_update",
        summary=_("修改人员信息（未提交的字段保持不变）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: PersonDetailApi.OutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, person_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        person = selectors.person_get_for_user(user=user, person_id=person_id, for_write=True)
        person = services.person_update(actor=user, person=person, **data)
        return Response(PersonDetailApi.OutputSerializer(person, context=_shown(user)).data)


class PersonUnmaskApi(APIView):
    @extend_schema_serializer(component_name="PersonUnmaskInput")
    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(
            choices=RevealPurpose.choices, help_text=_("查看目的，记入审计日志")
        )
        reason = serializers.CharField(
            max_length=MAX_EXPLANATION,
            help_text=_("具体说明（至少5个字，目的为“其他”时至少10个字），记入审计日志"),
        )

    @extend_schema_serializer(component_name="PersonNumbers")
    class OutputSerializer(serializers.Serializer):
        id_number = serializers.CharField()
        phone = serializers.CharField()
        birth_date = serializers.DateField(allow_null=True, help_text=_("随完整号码给出"))

    @extend_schema(
        operation_id="person_unmask",
        summary=_("查看完整号码（须说明原因，记入审计日志）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, person_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        person = selectors.person_get_for_user(user=user, person_id=person_id)
        numbers = services.person_unmask(actor=user, person=person, **data)
        response = Response(self.OutputSerializer(numbers).data)
        add_never_cache_headers(response)
        return response


@extend_schema_serializer(component_name="ExecutiveRosterFilter")
class RosterFilterSerializer(serializers.Serializer):
    org = serializers.IntegerField(help_text=_("组织；列出其及下级的在任执委"))
    post = serializers.ChoiceField(choices=ExecutiveSeat.Post.choices, required=False)
    education = serializers.ChoiceField(
        choices=[(k, label) for k, (label, _values) in EDUCATION_GROUPS.items()], required=False
    )
    party = serializers.ChoiceField(
        choices=[("1", _("中共党员")), ("0", _("非党员"))], required=False
    )
    concurrent = serializers.ChoiceField(
        choices=[*ConcurrentPost.Kind.choices, ("any", _("有兼任职务"))],
        required=False,
    )


class ExecutiveRosterApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="ExecutiveSeat")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="ExecutiveGrid")
        class GridSerializer(serializers.Serializer):
            id = serializers.IntegerField(source="grid_id")
            name = serializers.CharField(source="grid.name")

        id = serializers.IntegerField()
        person = serializers.IntegerField(source="person_id")
        name = serializers.CharField(source="person.name")
        org = serializers.IntegerField(source="org_id")
        org_name = serializers.CharField(source="org.name")
        post = serializers.CharField()
        post_label = serializers.CharField(source="get_post_display")
        full_time = serializers.BooleanField()
        term_start = serializers.DateField()
        term_end = serializers.DateField(allow_null=True)
        education = serializers.CharField(source="person.education")
        party_member = serializers.BooleanField(source="person.party_member")
        concurrent_posts = serializers.SerializerMethodField()
        grids = GridSerializer(source="person.open_grids", many=True)
        household_count = serializers.IntegerField()

        def get_concurrent_posts(self, seat: ExecutiveSeat) -> list[str]:
            # Prefetch(to_attr="open_posts") in the selector: an attribute the stubs cannot know.
            return [post.kind for post in seat.person.open_posts]  # type: ignore[attr-defined]

    @extend_schema(
        operation_id="executive_roster",
        summary=_("执委名册（在任）"),
        tags=TAGS,
        parameters=[RosterFilterSerializer],
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = api_query(RosterFilterSerializer, request)
        user = api_user(request)
        org = org_get_for_user(user=user, org_id=params["org"])
        filters = RosterFilters.from_params(params)
        seats = selectors.executive_roster(user=user, org=org, filters=filters)
        return api_paginated(self, seats, self.OutputSerializer)


class ExecutiveFiguresApi(APIView):
    @extend_schema_serializer(component_name="ExecutiveFiguresFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField()

    @extend_schema_serializer(component_name="ExecutiveFigures")
    class OutputSerializer(serializers.Serializer):
        total = serializers.IntegerField(help_text=_("在任执委人数"))
        post = serializers.DictField(child=serializers.IntegerField())
        education = serializers.DictField(child=serializers.IntegerField())
        party_members = serializers.IntegerField()
        concurrent = serializers.DictField(child=serializers.IntegerField())

    @extend_schema(
        operation_id="executive_figures",
        summary=_("执委队伍数据（按职务、文化程度、党员、双向任职）"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = api_query(self.FilterSerializer, request)
        user = api_user(request)
        org = org_get_for_user(user=user, org_id=params["org"])
        figures = selectors.executive_figures(user=user, org=org)
        return Response(self.OutputSerializer(figures.as_dict()).data)


urlpatterns = [
    *api_route("people/", "api-people", PersonListApi, PersonCreateApi),
    *api_route("people/<int:person_id>/", "api-person", PersonDetailApi, PersonUpdateApi),
    path("people/<int:person_id>/unmask/", PersonUnmaskApi.as_view(), name="api-person-unmask"),
    path("people/executives/", ExecutiveRosterApi.as_view(), name="api-executives"),
    path(
        "people/executives/figures/",
        ExecutiveFiguresApi.as_view(),
        name="api-executive-figures",
    ),
]
