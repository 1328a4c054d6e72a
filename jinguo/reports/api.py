"""The dashboard as JSON: the same sections, figures, changes and child tables as the page."""

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.common.api import ERRORS, RefSerializer, api_query, api_user
from jinguo.common.dates import ApiDateField, PeriodSerializer, period_or_default
from jinguo.orgs.selectors import org_get_for_user
from jinguo.reports import cached, periods
from jinguo.reports.comparison import Change
from jinguo.reports.shapes import Section

TAGS = ["dashboard"]


@extend_schema_serializer(component_name="DashboardQuery")
class DashboardQuerySerializer(PeriodSerializer):
    org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
    start = ApiDateField(required=False, help_text=gettext_lazy("默认今年1月1日"))
    end = ApiDateField(required=False, help_text=gettext_lazy("默认今天"))
    compare = serializers.ChoiceField(
        choices=list(periods.MODES),
        required=False,
        help_text=gettext_lazy("比较方式：yoy 同比（去年同期，默认），prev 环比（上一期）"),
    )


@extend_schema_serializer(component_name="DashboardFigure")
class DashboardFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("所计记录的列表页"))
    previous = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("上期数值；现状指标为空")
    )
    change = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True, help_text=gettext_lazy("变化率（%）"))


@extend_schema_serializer(component_name="DashboardColumn")
class DashboardColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="DashboardCell")
class DashboardCellSerializer(serializers.Serializer):
    value = serializers.FloatField()
    url = serializers.CharField(help_text=gettext_lazy("下级组织的看板"))


@extend_schema_serializer(component_name="DashboardChildRow")
class DashboardChildRowSerializer(serializers.Serializer):
    org = RefSerializer()
    cells = DashboardCellSerializer(many=True)


@extend_schema_serializer(component_name="DashboardChildTable")
class DashboardChildTableSerializer(serializers.Serializer):
    columns = DashboardColumnSerializer(many=True)
    rows = DashboardChildRowSerializer(many=True)


@extend_schema_serializer(component_name="DashboardSection")
class DashboardSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = DashboardFigureSerializer(many=True)
    children = DashboardChildTableSerializer(allow_null=True)


@extend_schema_serializer(component_name="Dashboard")
class DashboardSerializer(serializers.Serializer):
    org = RefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    compare = serializers.CharField(help_text=gettext_lazy("yoy 同比 或 prev 环比"))
    sections = DashboardSectionSerializer(many=True)


def _section(section: Section, changes: dict[str, Change]) -> dict[str, Any]:
    empty = Change(None, None, None)
    children = None
    if section.children is not None:
        table = section.children
        children = {
            "columns": [
                {"key": k, "name": str(label)}
                for k, label in zip(table.keys, table.columns, strict=True)
            ],
            "rows": [
                {
                    "org": {"id": row.org.pk, "name": row.org.name},
                    "cells": [{"value": c.value, "url": c.url} for c in row.cells],
                }
                for row in table.rows
            ],
        }
    figures = []
    for f in section.figures:
        c = changes.get(f.key, empty)
        figures.append(
            {
                "key": f.key,
                "name": str(f.label),
                "value": f.value,
                "unit": str(f.unit),
                "url": f.url,
                "previous": c.previous,
                "change": c.delta,
                "percent": c.percent,
            }
        )
    return {
        "key": section.key,
        "title": str(section.title),
        "figures": figures,
        "children": children,
    }


class DashboardApi(APIView):
    @extend_schema(
        operation_id="dashboard",
        summary=gettext_lazy("工作看板：各板块指标、与上期比较及下级组织分表"),
        tags=TAGS,
        parameters=[DashboardQuerySerializer],
        responses={200: DashboardSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        wanted, user = api_query(DashboardQuerySerializer, request), api_user(request)
        if not user.has_business_scope:
            raise NotFound
        org = org_get_for_user(user=user, org_id=wanted.get("org") or user.org_id or 0)
        start, end = period_or_default(wanted.get("start"), wanted.get("end"))
        mode = periods.compare_mode(wanted)
        board = cached.dashboard_cached(user=user, org=org, start=start, end=end, mode=mode)
        sections, changes = board.sections, board.changes
        prev_start, prev_end = periods.comparison_period(start, end, mode)
        data = {
            "org": {"id": org.pk, "name": org.name},
            "start": start,
            "end": end,
            "previous_start": prev_start,
            "previous_end": prev_end,
            "compare": mode,
            "sections": [_section(s, changes) for s in sections],
        }
        return Response(DashboardSerializer(data).data)


urlpatterns = [
    path("dashboard/", DashboardApi.as_view(), name="api-dashboard"),
]
