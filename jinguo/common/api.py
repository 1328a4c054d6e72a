"""Shared pieces of the JSON API: paging and the one error shape, {"message", "extra"}."""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from jinguo.accounts.models import User
from jinguo.common.dates import ApiDateField, PeriodSerializer, period_or_default

if TYPE_CHECKING:
    from jinguo.orgs.models import OrgUnit


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Services raise Django's ValidationError; the API answers it as a 400 like DRF's own.
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message = _("提交的数据有误")
        extra: Any = {"fields": response.data}
    else:
        data = response.data if isinstance(response.data, dict) else {}
        message = str(data.get("detail", _("请求失败")))
        extra = {}
    response.data = {"message": message, "extra": extra}
    return response


# A time of day on the local clock (Beijing time), as DRF writes a time: "09:00:00". OpenAPI's
# `format: time` is RFC 3339's full-time, which requires an offset ("09:00:00+08:00"), so a
# schema saying `format: time` would promise something the answer never holds.
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": LOCAL_TIME_PATTERN,
        "example": "09:00:00",
        "description": "HH:MM[:SS] local time (Asia/Shanghai), without an offset",
    }
)
class LocalTimeField(serializers.TimeField):
    """A local time of day: answered "HH:MM:SS", accepted as "HH:MM" or "HH:MM:SS" and nothing
    else (an offset would be silently dropped by the parser, so it is refused)."""

    default_error_messages = {
        "invalid": gettext_lazy("时间格式应为“时:分”或“时:分:秒”（北京时间，不带时区），如 09:30。")
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str) and not re.fullmatch(LOCAL_TIME_PATTERN, value):
            self.fail("invalid")
        return super().to_internal_value(value)


@extend_schema_serializer(component_name="Ref")
class RefSerializer(serializers.Serializer):
    """A related record named in an answer: its id and what to call it."""

    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (see jinguo.common.api.exception_handler)."""

    message = serializers.CharField()
    extra = serializers.DictField()


ERRORS: dict[int, Any] = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def api_user(request: Request) -> User:
    # IsAuthenticated (the default permission) has already turned anonymous callers away.
    return cast(User, request.user)


def api_input(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    parsed = serializer(data=request.data)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data


def api_query(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Validated query parameters; empty ones (`?kind=`) count as absent. A plain dict,
    because DRF reads a boolean missing from a QueryDict as false rather than as absent."""
    given = {key: value for key, value in request.query_params.items() if value != ""}
    parsed = serializer(data=given)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data


def many_data(serializer: serializers.BaseSerializer[Any]) -> list[dict[str, Any]]:
    """`.data` of a serializer made with many=True. DRF's __new__ then returns a ListSerializer,
    whose data is a list; the type stubs keep the class asked for, whose data is a dict."""
    if not isinstance(serializer, serializers.ListSerializer):
        raise TypeError("many_data needs a serializer made with many=True")
    return serializer.data


def api_org(user: User, org_id: int | None, *, for_write: bool = False) -> "OrgUnit":
    """The org the request names, or else the caller's own unit; 404 outside her scope (and for
    a caller without a unit), 403 for a write by a read-only role."""
    from jinguo.orgs.selectors import org_get_for_user

    return org_get_for_user(user=user, org_id=org_id or user.org_id or 0, for_write=for_write)


def page_data(page: Page[Any]) -> dict[str, int]:
    """Where a page of a receipts answer stands: its number and how many pages there are."""
    return {"page": page.number, "pages": page.paginator.num_pages}


def api_paginated(
    view: APIView,
    queryset: QuerySet[Any],
    serializer: type[serializers.Serializer],
    context: dict[str, Any] | None = None,
) -> Response:
    # Paging views also set `pagination_class = StandardPagination`: the schema reads it.
    paginator = StandardPagination()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    data = serializer(page, many=True, context=context or {}).data
    return paginator.get_paginated_response(data)


def api_route(route: str, name: str, *views: type[APIView]) -> list[URLPattern]:
    """One route served by several single-operation views, picked by the request's method.

    Requests resolve to the dispatcher, the first pattern. The views' own patterns after it are
    never reached by a request; they are there for drf-spectacular, which skips the dispatcher
    (it is not an APIView) and documents each view's operation under the same path."""
    callbacks = [view.as_view() for view in views]
    by_method: dict[str, Callable[..., Any]] = {}
    for view, callback in zip(views, callbacks, strict=True):
        methods = view().allowed_methods  # HEAD comes with GET once a request sets the view up
        for method in [*methods, "HEAD"] if "GET" in methods else methods:
            by_method.setdefault(method, callback)
    allow = ", ".join(sorted(by_method))

    @csrf_exempt  # as APIView.as_view: SessionAuthentication enforces CSRF itself
    def dispatch(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Methods no view handles go to the first view, which answers 405 in the API's shape.
        response = by_method.get(request.method or "", callbacks[0])(request, *args, **kwargs)
        if response.has_header("Allow"):  # 405 and OPTIONS: the route's methods, not the view's
            response["Allow"] = allow
        return response

    return [path(route, dispatch, name=name), *(path(route, cb) for cb in callbacks)]


# --- figures ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="FiguresQuery")
class FiguresQuerySerializer(PeriodSerializer):
    org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
    start = ApiDateField(required=False, help_text=gettext_lazy("默认今年1月1日"))
    end = ApiDateField(required=False, help_text=gettext_lazy("默认今天"))


@extend_schema_serializer(component_name="Figure")
class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    value = serializers.FloatField()
    unit = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("所计记录的列表页"))


FiguresSelector = Callable[..., list[Any]]


def figures_api(
    *, selector: FiguresSelector, operation_id: str, summary: Any, tags: list[str]
) -> type[APIView]:
    """The GET view of an app's figures: `selector(user=, org=, start=, end=)` for ?org= (by
    default her unit, 404 outside her scope) and the period ?start=&end= (by default this year
    to date; reversed dates are swapped), answered as a list of figures."""

    class FiguresApi(APIView):
        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            tags=tags,
            parameters=[FiguresQuerySerializer],
            responses={200: FigureSerializer(many=True), **ERRORS},
        )
        def get(self, request: Request) -> Response:
            wanted, user = api_query(FiguresQuerySerializer, request), api_user(request)
            org = api_org(user, wanted.get("org"))
            start, end = period_or_default(wanted.get("start"), wanted.get("end"))
            figures = selector(user=user, org=org, start=start, end=end)
            return Response(FigureSerializer(figures, many=True).data)

    FiguresApi.__name__ = FiguresApi.__qualname__ = f"{operation_id.title().replace('_', '')}Api"
    return FiguresApi
