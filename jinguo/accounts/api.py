"""JSON API of accounts: who the caller is and what she may do."""

from typing import cast

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.accounts.models import User


class MeApi(APIView):
    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="MeOrg")
        class OrgSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()
            kind = serializers.CharField()

        username = serializers.CharField()
        full_name = serializers.CharField()
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        org = OrgSerializer(allow_null=True)
        can_write = serializers.BooleanField()

    @extend_schema(
        operation_id="me", summary=_("当前用户"), tags=["accounts"], responses=OutputSerializer
    )
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated has turned anonymous callers away
        return Response(self.OutputSerializer(user).data)


urlpatterns = [path("me/", MeApi.as_view(), name="api-me")]
