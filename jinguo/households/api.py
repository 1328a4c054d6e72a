"""JSON API of the household ledger: one APIView per operation, all within the caller's scope.

Households come through `household_get_for_user` and units through the orgs/grids fetch-and-check
selectors, so anything outside the caller's scope is a 404 like a missing record, and read-only
roles get a 403 on every write. ID and phone numbers are always masked here; sensitive
categories and minors' names are masked unless the caller sees them in clear (households.policy),
or a cadre reveals one household with a reason (household_unmask: audited, never cached).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.common.api import (
    ERRORS,
    RefSerializer,
    StandardPagination,
    api_input,
    api_paginated,
    api_query,
    api_route,
    api_user,
    many_data,
)
from jinguo.common.dates import ApiDateField
from jinguo.households import masking, selectors
from jinguo.households.assignments import household_assign
from jinguo.households.coverage import Coverage, coverage_counts
from jinguo.households.ledger import household_list, ledger_filters
from jinguo.households.models import Household, HouseholdAssignment, Resident
from jinguo.households.policy import may_reveal_sensitive, sees_sensitive
from jinguo.households.services import household_create, household_unmask, sensitive_list_record
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.masking import birth_shown, mask_id, mask_phone
from jinguo.people.reasons import MAX_EXPLANATION, RevealPurpose

TAGS = ["households"]
Kind = HouseholdAssignment.Kind


def _shown(user: Any) -> dict[str, bool]:
    """The serializers' context: whether sensitive details go out in clear (default: masked)."""
    return {"clear": sees_sensitive(user)}


@extend_schema_serializer(component_name="HouseholdCategory")
class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("敏感类别对无权查看者为空")
    )
    name = serializers.CharField(help_text=gettext_lazy("敏感类别对无权查看者显示为“敏感类别”"))


def _categories(household: Household, *, clear: bool) -> list[dict[str, Any]]:
    categories = household.held_categories  # loaded for the whole page by the list
    if clear:
        return [{"id": c.pk, "name": c.name} for c in categories]
    names = masking.category_names(categories, clear=False)
    ids = {c.name: c.pk for c in categories if not c.sensitive}
    return [{"id": ids.get(name), "name": name} for name in names]


@extend_schema_serializer(component_name="HouseholdAssignment")
class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # A plain string here: the choice set is the input's enum, and a second component using it
    # would make drf-spectacular's enum names collide with the org kinds'.
    kind = serializers.CharField(help_text=gettext_lazy("responsible 包保；covering 就近联系"))
    kind_label = serializers.CharField(source="get_kind_display")
    executive = serializers.IntegerField(source="executive_id")
    executive_name = serializers.CharField(source="executive.name")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    reason = serializers.CharField()


class HouseholdListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="HouseholdListFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(
            required=False, help_text=gettext_lazy("所属网格在该组织之下的家庭")
        )
        grid = serializers.IntegerField(required=False, help_text=gettext_lazy("所属网格"))
        category = serializers.IntegerField(required=False, help_text=gettext_lazy("重点类别"))
        executive = serializers.IntegerField(
            required=False, help_text=gettext_lazy("由该执委包保的家庭")
        )
        q = serializers.CharField(
            required=False,
            max_length=50,
            help_text=gettext_lazy("户号、地址、成员姓名、拼音首字母或身份证后四位"),
        )
        unassigned = serializers.BooleanField(
            required=False, help_text=gettext_lazy("true：无包保执委；false：已包保")
        )
        relocated = serializers.BooleanField(
            required=False, help_text=gettext_lazy("true：异地居住；false：本网格居住")
        )
        double = serializers.BooleanField(
            required=False, help_text=gettext_lazy("两名及以上包保执委")
        )
        uncovered = serializers.BooleanField(
            required=False, help_text=gettext_lazy("异地居住而无就近联系执委")
        )
        over_quota = serializers.BooleanField(
            required=False, help_text=gettext_lazy("包保执委超出该类别上限")
        )

    @extend_schema_serializer(component_name="Household")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        grid = RefSerializer()
        living_grid = RefSerializer(allow_null=True)
        relocated = serializers.BooleanField(source="is_relocated")
        address = serializers.CharField()
        living_address = serializers.CharField()
        head = serializers.SerializerMethodField()
        categories = serializers.SerializerMethodField()
        executives = serializers.SerializerMethodField()

        @extend_schema_field(RefSerializer(allow_null=True))
        def get_head(self, household: Household) -> dict[str, Any] | None:
            """A minor head of household by family name only (张*), unless shown in clear."""
            head = household.head
            if head is None:
                return None
            clear = self.context.get("clear", False)
            return {"id": head.pk, "name": masking.resident_name(head, clear=clear)}

        @extend_schema_field(CategorySerializer(many=True))
        def get_categories(self, household: Household) -> list[dict[str, Any]]:
            return _categories(household, clear=self.context.get("clear", False))

        @extend_schema_field(AssignmentSerializer(many=True))
        def get_executives(self, household: Household) -> list[dict[str, Any]]:
            """Open assignments: prefetched by the list, queried for a single household."""
            rows = getattr(household, "open_assignments", None)
            if rows is None:
                rows = household.assignments.filter(end_date__isnull=True).select_related(
                    "executive"
                )
            return many_data(AssignmentSerializer(rows, many=True))

    @extend_schema(
        operation_id="household_list",
        summary=gettext_lazy("家庭台账列表"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        resolved = ledger_filters(
            user=user,
            org_id=wanted.get("org"),
            grid_id=wanted.get("grid"),
            category_id=wanted.get("category"),
            executive_id=wanted.get("executive"),
            query=wanted.get("q", ""),
            unassigned=wanted.get("unassigned"),
            relocated=wanted.get("relocated"),
            double=wanted.get("double"),
            uncovered=wanted.get("uncovered"),
            over_quota=wanted.get("over_quota"),
        )
        if "category" in resolved:  # a sensitive category's list names who holds it: audited
            org = resolved.get("grid") or resolved.get("org") or user.org
            sensitive_list_record(actor=user, category=resolved["category"], org=org)
        households = household_list(user=user, **resolved)
        return api_paginated(self, households, self.OutputSerializer, _shown(user))


@extend_schema_serializer(component_name="HouseholdResident")
class ResidentSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.SerializerMethodField(help_text=gettext_lazy("未成年人对无权查看者只显示姓"))
    relation = serializers.ChoiceField(choices=Resident.Relation.choices)
    relation_label = serializers.CharField(source="get_relation_display")
    id_number = serializers.SerializerMethodField(help_text=gettext_lazy("已隐藏中间位"))
    phone = serializers.SerializerMethodField(help_text=gettext_lazy("已隐藏中间位"))

    def get_name(self, resident: Resident) -> str:
        return masking.resident_name(resident.person, clear=self.context.get("clear", False))

    def get_id_number(self, resident: Resident) -> str:
        return mask_id(resident.person.id_number)

    def get_phone(self, resident: Resident) -> str:
        return mask_phone(resident.person.phone)


class HouseholdDetailApi(APIView):
    @extend_schema_serializer(component_name="HouseholdDetail")
    class OutputSerializer(HouseholdListApi.OutputSerializer):
        note = serializers.CharField()
        residents = serializers.SerializerMethodField()
        assignments = serializers.SerializerMethodField()

        @extend_schema_field(ResidentSerializer(many=True))
        def get_residents(self, household: Household) -> list[dict[str, Any]]:
            rows = selectors.household_residents(household=household)
            serializer = ResidentSerializer(rows, many=True, context=self.context)
            return many_data(serializer)

        @extend_schema_field(AssignmentSerializer(many=True))
        def get_assignments(self, household: Household) -> list[dict[str, Any]]:
            """Every assignment, past ones included: the dated history of who looked after it."""
            rows = selectors.household_assignments(household=household)
            return many_data(AssignmentSerializer(rows, many=True))

    @extend_schema(
        operation_id="household_detail",
        summary=gettext_lazy("家庭详情"),
        tags=TAGS,
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request, household_id: int) -> Response:
        user = api_user(request)
        household = selectors.household_get_for_user(user=user, household_id=household_id)
        return Response(self.OutputSerializer(household, context=_shown(user)).data)


class HouseholdUnmaskApi(APIView):
    @extend_schema_serializer(component_name="HouseholdUnmaskInput")
    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(
            choices=RevealPurpose.choices, help_text=gettext_lazy("查看目的，记入审计日志")
        )
        reason = serializers.CharField(
            max_length=MAX_EXPLANATION,
            help_text=gettext_lazy("具体说明（至少5个字，目的为“其他”时至少10个字），记入审计日志"),
        )

    @extend_schema_serializer(component_name="HouseholdSensitive")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="HouseholdMinor")
        class MinorSerializer(serializers.Serializer):
            person = serializers.IntegerField(source="person_id")
            name = serializers.CharField(source="person.name")
            relation = serializers.ChoiceField(choices=Resident.Relation.choices)
            relation_label = serializers.CharField(source="get_relation_display")
            birth_year = serializers.SerializerMethodField(
                help_text=gettext_lazy("只给出生年份：身份证号隐去的8位正是出生日期")
            )

            def get_birth_year(self, resident: Resident) -> int | None:
                return birth_shown(resident.person.birth_date)

        categories = RefSerializer(many=True)
        minors = MinorSerializer(many=True)

    @extend_schema(
        operation_id="household_unmask",
        summary=gettext_lazy("查看敏感类别和未成年成员（须说明原因，记入审计日志）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, household_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        if not may_reveal_sensitive(user):  # the role first: 403 whatever the household
            raise PermissionDenied
        household = selectors.household_get_for_user(user=user, household_id=household_id)
        revealed = household_unmask(actor=user, household=household, **data)
        response = Response(self.OutputSerializer(revealed).data)
        add_never_cache_headers(response)
        return response


class HouseholdCreateApi(APIView):
    @extend_schema_serializer(component_name="HouseholdCreateInput")
    class InputSerializer(serializers.Serializer):
        grid = serializers.IntegerField()
        number = serializers.CharField(max_length=60)
        address = serializers.CharField(required=False, allow_blank=True, default="")
        living_grid = serializers.IntegerField(required=False, allow_null=True, default=None)
        living_address = serializers.CharField(required=False, allow_blank=True, default="")
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="household_create",
        summary=gettext_lazy("新建家庭"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: HouseholdDetailApi.OutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        grid = selectors.grid_get_for_user(user=user, grid_id=data.pop("grid"), for_write=True)
        living_grid_id = data.pop("living_grid")
        living_grid = None
        if living_grid_id is not None:
            living_grid = selectors.grid_get_for_user(user=user, grid_id=living_grid_id)
        household = household_create(actor=user, grid=grid, living_grid=living_grid, **data)
        household = selectors.household_get_for_user(user=user, household_id=household.pk)
        body = HouseholdDetailApi.OutputSerializer(household, context=_shown(user)).data
        return Response(body, status=status.HTTP_201_CREATED)


class HouseholdAssignApi(APIView):
    @extend_schema_serializer(component_name="HouseholdAssignInput")
    class InputSerializer(serializers.Serializer):
        executive = serializers.IntegerField(
            help_text=gettext_lazy("已分配到该户所属网格或现居住网格的执委（人员id）")
        )
        kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.RESPONSIBLE)
        start_date = ApiDateField(required=False, allow_null=True, default=None)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="household_assign",
        summary=gettext_lazy("包保交接：结束现任并指定新的执委"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: AssignmentSerializer, **ERRORS},
    )
    def post(self, request: Request, household_id: int) -> Response:
        data = api_input(self.InputSerializer, request)
        user = api_user(request)
        household = selectors.household_get_for_user(
            user=user, household_id=household_id, for_write=True
        )
        executive = (
            selectors.household_executive_choices(household=household)
            .filter(pk=data.pop("executive"))
            .first()
        )
        if executive is None:
            # Only names of executives of the household's grids are ever confirmed.
            raise ValidationError({"executive": [_("该执委没有分配到该户所属或现居住的网格")]})
        row = household_assign(actor=user, household=household, executive=executive, **data)
        return Response(AssignmentSerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="CoverageCounts")
class CountsSerializer(serializers.Serializer):
    households = serializers.IntegerField()
    unassigned = serializers.IntegerField(help_text=gettext_lazy("无包保执委的家庭"))
    double = serializers.IntegerField(help_text=gettext_lazy("两名及以上包保执委的家庭"))
    unstaffed_grids = serializers.IntegerField(help_text=gettext_lazy("无执委的网格"))
    grids = serializers.IntegerField(help_text=gettext_lazy("网格（含微网格）"))
    covered_grids = serializers.IntegerField(
        help_text=gettext_lazy("覆盖网格：当日至少分配一名执委的网格（覆盖 + 无执委 = 网格）")
    )
    uncovered = serializers.IntegerField(help_text=gettext_lazy("异地居住而无就近联系执委"))
    over_quota = serializers.IntegerField(help_text=gettext_lazy("超出类别上限的执委×类别"))


class HouseholdCoverageApi(APIView):
    @extend_schema_serializer(component_name="CoverageFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(
            required=False, help_text=gettext_lazy("统计该组织及其下级；不填为本人所属组织")
        )

    @extend_schema_serializer(component_name="Coverage")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="CoverageChild")
        class ChildSerializer(serializers.Serializer):
            org = RefSerializer()
            counts = CountsSerializer()

        @extend_schema_serializer(component_name="CoverageOverQuota")
        class OverQuotaSerializer(serializers.Serializer):
            executive = serializers.IntegerField(source="executive_id")
            executive_name = serializers.CharField()
            category = serializers.IntegerField(source="category_id")
            category_name = serializers.CharField()
            households = serializers.IntegerField()
            limit = serializers.IntegerField()

        org = RefSerializer()
        total = CountsSerializer()
        children = serializers.SerializerMethodField()
        over_quota = OverQuotaSerializer(many=True)

        @extend_schema_field(ChildSerializer(many=True))
        def get_children(self, coverage: Coverage) -> list[dict[str, Any]]:
            rows = [{"org": org, "counts": counts} for org, counts in coverage.children]
            return many_data(self.ChildSerializer(rows, many=True))

    @extend_schema(
        operation_id="household_coverage",
        summary=gettext_lazy("不漏一户：包保覆盖情况"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: OutputSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = api_user(request)
        org_id = api_query(self.FilterSerializer, request).get("org", user.org_id)
        org: OrgUnit = org_get_for_user(user=user, org_id=org_id or 0)
        coverage = coverage_counts(user=user, org=org)
        return Response(self.OutputSerializer(coverage).data)


urlpatterns = [
    *api_route("households/", "api-households", HouseholdListApi, HouseholdCreateApi),
    path("households/coverage/", HouseholdCoverageApi.as_view(), name="api-household-coverage"),
    path(
        "households/<int:household_id>/",
        HouseholdDetailApi.as_view(),
        name="api-household",
    ),
    path(
        "households/<int:household_id>/unmask/",
        HouseholdUnmaskApi.as_view(),
        name="api-household-unmask",
    ),
    path(
        "households/<int:household_id>/assign/",
        HouseholdAssignApi.as_view(),
        name="api-household-assign",
    ),
]
