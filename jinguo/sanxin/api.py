"""JSON API of the 三新 registry. Records come through the selectors' fetch-and-check functions:
out of scope is a 404 like a missing record, a write by a read-only role a 403. Choice values
are plain strings documented in help texts (enum components would collide across apps)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
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
    figures_api,
    many_data,
)
from jinguo.common.dates import ApiDateField, PeriodSerializer
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.selectors import person_get_for_user
from jinguo.sanxin import selectors, services, targets, workers

TAGS = ["sanxin"]
CATEGORY_HELP = gettext_lazy(
    "new_economic 新经济组织；new_social 新社会组织；new_employment 新就业群体"
)
SECTOR_HELP = gettext_lazy(
    "delivery 外卖配送；courier 快递物流；ride_hailing 网约车；live_commerce 直播电商；"
    "truck_driver 货车司机（卡嫂）；internet 互联网企业；private_enterprise 非公企业；"
    "social_org 社会组织；law_accounting 律师/会计事务所；other 其他"
)


@extend_schema_serializer(component_name="SanxinOrg")
class SanxinOrgSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    org = RefSerializer(help_text=gettext_lazy("登记组织"))
    category = serializers.CharField(help_text=CATEGORY_HELP)
    sector = serializers.CharField(help_text=SECTOR_HELP)
    workers = serializers.IntegerField()
    women_workers = serializers.IntegerField()
    has_party_org = serializers.BooleanField()
    has_federation = serializers.BooleanField()
    federation = RefSerializer(allow_null=True, help_text=gettext_lazy("妇联组织"))
    federation_established_on = serializers.DateField(allow_null=True)
    registered_on = serializers.DateField()
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="SanxinWorker")
class SanxinWorkerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = RefSerializer()
    gender = serializers.CharField(source="person.gender")
    position = serializers.CharField()
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="SanxinOrgDetail")
class SanxinOrgDetailSerializer(SanxinOrgSerializer):
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField(
        source="masked_contact_phone", help_text=gettext_lazy("已隐藏中间位")
    )
    address = serializers.CharField()
    workers_list = serializers.SerializerMethodField()

    @extend_schema_field(SanxinWorkerSerializer(many=True))
    def get_workers_list(self, obj: Any) -> list[dict[str, Any]]:
        rows = obj.workers_set.select_related("person").order_by("joined_on", "id")
        return many_data(SanxinWorkerSerializer(rows, many=True))


@extend_schema_serializer(component_name="SanxinOrgInput")
class SanxinOrgInputSerializer(serializers.Serializer):
    org = serializers.IntegerField(help_text=gettext_lazy("登记组织（地域组织或行业妇联）"))
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(help_text=CATEGORY_HELP)
    sector = serializers.CharField(help_text=SECTOR_HELP)
    workers = serializers.IntegerField(required=False, default=0)
    women_workers = serializers.IntegerField(required=False, default=0)
    has_party_org = serializers.BooleanField(required=False, default=False)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    registered_on = ApiDateField(required=False, allow_null=True, default=None)


def _detail(request: Request, sanxin_org_id: int, code: int = status.HTTP_200_OK) -> Response:
    obj = selectors.sanxin_org_get_for_user(user=api_user(request), sanxin_org_id=sanxin_org_id)
    return Response(SanxinOrgDetailSerializer(obj).data, status=code)


class SanxinOrgListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="SanxinOrgListFilter")
    class FilterSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("组织及其下级"))
        category = serializers.CharField(required=False, help_text=CATEGORY_HELP)
        sector = serializers.CharField(required=False, help_text=SECTOR_HELP)
        federation = serializers.BooleanField(required=False, help_text=gettext_lazy("已建妇联"))
        q = serializers.CharField(required=False, help_text=gettext_lazy("名称或信用代码"))

    @extend_schema(
        operation_id="sanxin_org_list",
        summary=gettext_lazy("三新组织信息库"),
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: SanxinOrgSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.FilterSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=wanted["org"]) if "org" in wanted else None
        rows = selectors.sanxin_org_list(
            user=user,
            org=org,
            category=wanted.get("category"),
            sector=wanted.get("sector"),
            federation=wanted.get("federation"),
            query=wanted.get("q", ""),
        )
        return api_paginated(self, rows, SanxinOrgSerializer)


class SanxinOrgCreateApi(APIView):
    @extend_schema(
        operation_id="sanxin_org_create",
        summary=gettext_lazy("登记三新组织"),
        tags=TAGS,
        request=SanxinOrgInputSerializer,
        responses={201: SanxinOrgDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(SanxinOrgInputSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=data.pop("org"), for_write=True)
        created = services.sanxin_org_create(actor=user, org=org, **data)
        return _detail(request, created.pk, status.HTTP_201_CREATED)


class SanxinOrgDetailApi(APIView):
    @extend_schema(
        operation_id="sanxin_org_detail",
        summary=gettext_lazy("三新组织详情及工作者"),
        tags=TAGS,
        responses={200: SanxinOrgDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, sanxin_org_id: int) -> Response:
        return _detail(request, sanxin_org_id)


class SanxinOrgUpdateApi(APIView):
    @extend_schema_serializer(component_name="SanxinOrgUpdateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, max_length=100)
        credit_code = serializers.CharField(required=False, allow_blank=True)
        category = serializers.CharField(required=False, help_text=CATEGORY_HELP)
        sector = serializers.CharField(required=False, help_text=SECTOR_HELP)
        workers = serializers.IntegerField(required=False)
        women_workers = serializers.IntegerField(required=False)
        has_party_org = serializers.BooleanField(required=False)
        contact_name = serializers.CharField(required=False, allow_blank=True)
        contact_phone = serializers.CharField(required=False, allow_blank=True)
        address = serializers.CharField(required=False, allow_blank=True)
        registered_on = ApiDateField(required=False)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="sanxin_org_update",
        summary=gettext_lazy("修改三新组织（只改所给字段）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: SanxinOrgDetailSerializer, **ERRORS},
    )
    def patch(self, request: Request, sanxin_org_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        obj = selectors.sanxin_org_get_for_user(
            user=user, sanxin_org_id=sanxin_org_id, for_write=True
        )
        services.sanxin_org_update(actor=user, sanxin_org=obj, **data)
        return _detail(request, sanxin_org_id)


class SanxinEstablishApi(APIView):
    @extend_schema_serializer(component_name="SanxinEstablishInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, help_text=gettext_lazy("妇联组织名称"))
        established_on = ApiDateField()

    @extend_schema(
        operation_id="sanxin_establish_federation",
        summary=gettext_lazy("建立三新组织妇联（一次）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: SanxinOrgDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, sanxin_org_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        obj = selectors.sanxin_org_get_for_user(
            user=user, sanxin_org_id=sanxin_org_id, for_write=True
        )
        services.sanxin_establish_federation(actor=user, sanxin_org=obj, **data)
        return _detail(request, sanxin_org_id)


class SanxinWorkerAddApi(APIView):
    @extend_schema_serializer(component_name="SanxinWorkerAddInput")
    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text=gettext_lazy("已登记人员")
        )
        name = serializers.CharField(
            required=False, allow_blank=True, default="", help_text=gettext_lazy("或新登记：姓名")
        )
        gender = serializers.CharField(required=False, allow_blank=True, default="")
        id_number = serializers.CharField(required=False, allow_blank=True, default="")
        phone = serializers.CharField(required=False, allow_blank=True, default="")
        position = serializers.CharField(required=False, allow_blank=True, default="")
        joined_on = ApiDateField()

    @extend_schema(
        operation_id="sanxin_worker_add",
        summary=gettext_lazy("工作者入库"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: SanxinWorkerSerializer, **ERRORS},
    )
    def post(self, request: Request, sanxin_org_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        obj = selectors.sanxin_org_get_for_user(
            user=user, sanxin_org_id=sanxin_org_id, for_write=True
        )
        person, new_person = None, None
        if data["person"] is not None:
            person = _person(user, data["person"])
        elif data["name"]:
            new_person = {k: data[k] for k in ("name", "gender", "id_number", "phone")}
        worker = workers.sanxin_worker_add(
            actor=user,
            sanxin_org=obj,
            person=person,
            new_person=new_person,
            position=data["position"],
            joined_on=data["joined_on"],
        )
        return Response(SanxinWorkerSerializer(worker).data, status=status.HTTP_201_CREATED)


def _person(user: Any, person_id: int) -> Any:
    """A posted person id: one the caller may not see is "不存在", like a missing one."""
    try:
        return person_get_for_user(user=user, person_id=person_id)
    except Http404:
        raise ValidationError({"person": [_("人员不存在")]}) from None


@extend_schema_serializer(component_name="SanxinExemplary")
class ExemplarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = RefSerializer()
    org = RefSerializer()
    sanxin_org = RefSerializer(allow_null=True)
    reason = serializers.CharField()
    listed_on = serializers.DateField()
    delisted_on = serializers.DateField(allow_null=True)


class ExemplaryAddApi(APIView):
    @extend_schema_serializer(component_name="SanxinExemplaryInput")
    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField()
        org = serializers.IntegerField(help_text=gettext_lazy("推荐组织"))
        sanxin_org = serializers.IntegerField(required=False, allow_null=True, default=None)
        reason = serializers.CharField(help_text=gettext_lazy("主要事迹"))
        listed_on = ApiDateField()

    @extend_schema(
        operation_id="sanxin_exemplary_add",
        summary=gettext_lazy("列入优秀女性名册"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: ExemplarySerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=data["org"], for_write=True)
        person = _person(user, data["person"])
        sanxin_org = None
        if data["sanxin_org"] is not None:
            sanxin_org = selectors.sanxin_org_get_for_user(
                user=user, sanxin_org_id=data["sanxin_org"]
            )
        row = services.exemplary_add(
            actor=user,
            org=org,
            person=person,
            sanxin_org=sanxin_org,
            reason=data["reason"],
            listed_on=data["listed_on"],
        )
        return Response(ExemplarySerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="SanxinTarget")
class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    title = serializers.CharField()
    metric = serializers.CharField(
        help_text=gettext_lazy(
            "federations_established 建立妇联；orgs_registered 登记组织；women_listed 优秀女性"
        )
    )
    target_value = serializers.IntegerField()
    period_start = serializers.DateField()
    deadline = serializers.DateField()


@extend_schema_serializer(component_name="SanxinTargetProgress")
class ProgressSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    target_value = serializers.IntegerField()
    percent = serializers.FloatField()
    expected = serializers.FloatField(help_text=gettext_lazy("按时间线性推算今日应完成数"))
    on_track = serializers.BooleanField()
    url = serializers.CharField(help_text=gettext_lazy("所计记录的列表页"))


@extend_schema_serializer(component_name="SanxinTargetWithProgress")
class TargetWithProgressSerializer(serializers.Serializer):
    target = TargetSerializer()
    progress = ProgressSerializer()


class TargetListApi(APIView):
    @extend_schema_serializer(component_name="SanxinTargetQuery")
    class QuerySerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))

    @extend_schema(
        operation_id="sanxin_target_list",
        summary=gettext_lazy("三新工作目标及进度"),
        tags=TAGS,
        parameters=[QuerySerializer],
        responses={200: TargetWithProgressSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(self.QuerySerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=wanted.get("org") or user.org_id or 0)
        rows = selectors.target_list(user=user, org=org)
        data = [{"target": t, "progress": p} for t, p in rows]
        return Response(TargetWithProgressSerializer(data, many=True).data)


class TargetCreateApi(APIView):
    @extend_schema_serializer(component_name="SanxinTargetInput")
    class InputSerializer(PeriodSerializer):
        period = ("period_start", "deadline")
        org = serializers.IntegerField()
        title = serializers.CharField(max_length=100)
        metric = serializers.CharField()
        target_value = serializers.IntegerField()
        period_start = ApiDateField()
        deadline = ApiDateField()

    @extend_schema(
        operation_id="sanxin_target_create",
        summary=gettext_lazy("设定三新工作目标（本级或上级干部）"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: TargetWithProgressSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = org_get_for_user(user=user, org_id=data.pop("org"), for_write=True)
        target = targets.sanxin_target_create(actor=user, org=org, **data)
        value = selectors.target_progress_value(target=target)
        progress = selectors.target_progress(target=target, value=value)
        body = TargetWithProgressSerializer({"target": target, "progress": progress}).data
        return Response(body, status=status.HTTP_201_CREATED)


SanxinFiguresApi = figures_api(
    selector=selectors.sanxin_figures,
    operation_id="sanxin_figures",
    summary=gettext_lazy("三新工作统计（按组织与时段）"),
    tags=TAGS,
)

urlpatterns = [
    *api_route("sanxin/orgs/", "api-sanxin-orgs", SanxinOrgListApi, SanxinOrgCreateApi),
    *api_route(
        "sanxin/orgs/<int:sanxin_org_id>/",
        "api-sanxin-org",
        SanxinOrgDetailApi,
        SanxinOrgUpdateApi,
    ),
    path(
        "sanxin/orgs/<int:sanxin_org_id>/federation/",
        SanxinEstablishApi.as_view(),
        name="api-sanxin-establish",
    ),
    path(
        "sanxin/orgs/<int:sanxin_org_id>/workers/",
        SanxinWorkerAddApi.as_view(),
        name="api-sanxin-workers",
    ),
    path("sanxin/exemplary/", ExemplaryAddApi.as_view(), name="api-sanxin-exemplary"),
    *api_route("sanxin/targets/", "api-sanxin-targets", TargetListApi, TargetCreateApi),
    path("sanxin/figures/", SanxinFiguresApi.as_view(), name="api-sanxin-figures"),
]
