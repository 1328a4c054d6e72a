"""JSON API of report rounds: one APIView per operation, all within the caller's scope (the same
selectors and services as the pages: 404 outside it, 403 for a unit that may not act)."""

from typing import Any

from django.urls import path, reverse
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
    api_org,
    api_paginated,
    api_route,
    api_user,
)
from jinguo.common.dates import ApiDateField
from jinguo.rounds import selectors, services
from jinguo.rounds.filling import read_figures
from jinguo.rounds.forms import target_choices
from jinguo.rounds.models import Round, SubmissionPhoto
from jinguo.rounds.quoting import QuoteRef, chosen_quotes

TAGS = ["rounds"]
KIND_HELP = gettext_lazy("work_report 工作总结；form 数据报表")
NOT_BELOW = gettext_lazy("所选单位不存在或不在本单位之下")
PHOTOS_HELP = gettext_lazy("none 不需要；optional 可附照片；required 须附照片")
STATUS_HELP = gettext_lazy("pending 待报送；submitted 待审核；returned 已退回；approved 已通过")


@extend_schema_serializer(component_name="Round")
class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    title = serializers.CharField()
    kind = serializers.CharField(help_text=KIND_HELP)
    start = serializers.DateField()
    end = serializers.DateField()
    deadline = serializers.DateField()
    figure_keys = serializers.ListField(child=serializers.CharField())
    questions = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    photos = serializers.CharField(help_text=PHOTOS_HELP)
    status = serializers.CharField(help_text=gettext_lazy("open 报送中；closed 已结束"))


@extend_schema_serializer(component_name="RoundProgress")
class ProgressSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    approved = serializers.IntegerField()
    returned = serializers.IntegerField()
    overdue = serializers.IntegerField()
    reporting_rate = serializers.FloatField(help_text=gettext_lazy("报送率（%）"))
    on_time_rate = serializers.FloatField(help_text=gettext_lazy("按时报送率（%）"))


@extend_schema_serializer(component_name="RoundTarget")
class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = RefSerializer()
    status = serializers.CharField(help_text=STATUS_HELP)
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="RoundTargetProgress")
class TargetProgressSerializer(serializers.Serializer):
    target = TargetSerializer()
    progress = ProgressSerializer()


@extend_schema_serializer(component_name="RoundQuote")
class QuoteSerializer(serializers.Serializer):
    submission = serializers.IntegerField(source="ref.submission")
    part = serializers.CharField(
        source="ref.part",
        help_text=gettext_lazy("部分：basics、work.cases……；answers.N 为第N+1个问题的回答"),
    )
    index = serializers.IntegerField(source="ref.index", help_text=gettext_lazy("第几段（从0起）"))
    target = serializers.IntegerField()
    org = serializers.CharField(help_text=gettext_lazy("报送单位"))
    text = serializers.CharField()
    stale = serializers.BooleanField(
        help_text=gettext_lazy("该版本已被新版本取代或被退回：汇总报告不再引用")
    )


@extend_schema_serializer(component_name="RoundDetail")
class RoundDetailSerializer(serializers.Serializer):
    round = RoundSerializer()
    total = ProgressSerializer()
    targets = TargetProgressSerializer(many=True)
    quotes = QuoteSerializer(many=True, help_text=gettext_lazy("汇总报告引用的段落"))


@extend_schema_serializer(component_name="RoundPhoto")
class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    caption = serializers.CharField()
    url = serializers.SerializerMethodField(help_text=gettext_lazy("照片（登录后按权限查看）"))
    uploaded_at = serializers.DateTimeField()

    def get_url(self, photo: Any) -> str:
        if isinstance(photo, SubmissionPhoto):
            return reverse("rounds:submission_photo", args=[photo.pk])
        return reverse("rounds:target_photo", args=[photo.pk])


@extend_schema_serializer(component_name="RoundSubmission")
class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.IntegerField(source="target_id")
    version = serializers.IntegerField()
    figures = serializers.DictField(help_text=gettext_lazy("数据项 → {label, value, unit}"))
    report = serializers.DictField(help_text=gettext_lazy("报送的工作总结（各部分文字与表格）"))
    answers = serializers.ListField(child=serializers.CharField())
    submitted_at = serializers.DateTimeField()
    review = serializers.CharField(
        help_text=gettext_lazy("pending 待审核；approved 已通过；returned 已退回")
    )
    review_note = serializers.CharField()
    photos = serializers.SerializerMethodField()

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, submission: Any) -> Any:
        return PhotoSerializer(selectors.submission_photos(submission=submission), many=True).data


@extend_schema_serializer(component_name="RoundTargetDetail")
class TargetDetailSerializer(TargetSerializer):
    round = RoundSerializer()
    figures = serializers.DictField(help_text=gettext_lazy("由台账生成的数据（不能修改）"))
    draft = serializers.DictField(help_text=gettext_lazy("已保存的文字（部分 → 段落）与回答"))
    photos = PhotoSerializer(many=True, help_text=gettext_lazy("草稿所附照片"))
    submissions = SubmissionSerializer(many=True)


class RoundListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="round_list",
        summary=gettext_lazy("报送任务列表"),
        tags=TAGS,
        responses={200: RoundSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return api_paginated(self, selectors.round_list(user=api_user(request)), RoundSerializer)


class RoundCreateApi(APIView):
    @extend_schema_serializer(component_name="RoundCreateInput")
    class InputSerializer(serializers.Serializer):
        org = serializers.IntegerField(required=False, help_text=gettext_lazy("默认本人组织"))
        title = serializers.CharField(max_length=100)
        kind = serializers.CharField(help_text=KIND_HELP)
        start = ApiDateField()
        end = ApiDateField()
        deadline = ApiDateField()
        targets = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        figure_keys = serializers.ListField(child=serializers.CharField(), required=False)
        questions = serializers.ListField(child=serializers.CharField(), required=False)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        photos = serializers.ChoiceField(
            choices=Round.Photos.choices,
            required=False,
            default=Round.Photos.NONE,
            help_text=PHOTOS_HELP,
        )

    @extend_schema(
        operation_id="round_create",
        summary=gettext_lazy("发起报送任务"),
        tags=TAGS,
        request=InputSerializer,
        responses={201: RoundSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        org = api_org(user, data.pop("org", None), for_write=True)
        wanted = set(data.pop("targets"))
        targets = list(target_choices(org=org).filter(pk__in=[pk for pk in wanted if pk > 0]))
        if len(targets) != len(wanted):
            raise serializers.ValidationError({"targets": [NOT_BELOW]})
        round_ = services.round_create(actor=user, org=org, targets=targets, **data)
        return Response(RoundSerializer(round_).data, status=status.HTTP_201_CREATED)


class RoundDetailApi(APIView):
    @extend_schema(
        operation_id="round_detail",
        summary=gettext_lazy("报送任务详情：各单位报送情况与报送率"),
        tags=TAGS,
        responses={200: RoundDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, round_id: int) -> Response:
        user = api_user(request)
        round_ = selectors.round_get_for_user(user=user, round_id=round_id)
        progress = selectors.round_progress(round_=round_, user=user)
        data = {
            "round": round_,
            "total": progress.total,
            "targets": [{"target": t, "progress": p} for t, p in progress.rows],
            "quotes": chosen_quotes(user=user, round_=round_),
        }
        return Response(RoundDetailSerializer(data).data)


@extend_schema_serializer(component_name="RoundQuoteChoice")
class QuoteChoiceSerializer(serializers.Serializer):
    submission = serializers.IntegerField()
    part = serializers.CharField(max_length=50)
    index = serializers.IntegerField(min_value=0)


class RoundQuotesApi(APIView):
    @extend_schema_serializer(component_name="RoundQuotesInput")
    class InputSerializer(serializers.Serializer):
        quotes = serializers.ListField(
            child=QuoteChoiceSerializer(),
            max_length=100,
            help_text=gettext_lazy("所选段落（各单位最新报送的版本）；空列表：由系统自动选择"),
        )

    @extend_schema_serializer(component_name="RoundQuotes")
    class OutputSerializer(serializers.Serializer):
        quotes = QuoteSerializer(many=True)

    @extend_schema(
        operation_id="round_quotes",
        summary=gettext_lazy("选定汇总报告引用的段落"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, round_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        choices = [QuoteRef(c["submission"], c["part"], c["index"]) for c in data["quotes"]]
        round_ = selectors.round_get_for_user(user=user, round_id=round_id, for_write=True)
        round_ = services.round_choose_quotes(round_=round_, actor=user, choices=choices)
        quotes = chosen_quotes(user=user, round_=round_)
        return Response({"quotes": QuoteSerializer(quotes, many=True).data})


class RoundRemindApi(APIView):
    @extend_schema_serializer(component_name="RoundReminded")
    class OutputSerializer(serializers.Serializer):
        reminded = serializers.IntegerField()

    @extend_schema(
        operation_id="round_remind",
        summary=gettext_lazy("提醒未报送单位"),
        tags=TAGS,
        request=None,
        responses={200: OutputSerializer, **ERRORS},
    )
    def post(self, request: Request, round_id: int) -> Response:
        user = api_user(request)
        round_ = selectors.round_get_for_user(user=user, round_id=round_id, for_write=True)
        return Response({"reminded": services.round_remind(actor=user, round_=round_)})


class TargetDetailApi(APIView):
    @extend_schema(
        operation_id="round_target_detail",
        summary=gettext_lazy("本单位的报送：数据、草稿与已报送版本"),
        tags=TAGS,
        responses={200: TargetDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, target_id: int) -> Response:
        user = api_user(request)
        target = selectors.target_get_for_user(user=user, target_id=target_id)
        submissions = selectors.target_submissions(target=target)
        data = TargetSerializer(target).data | {
            "round": RoundSerializer(target.round).data,
            "figures": read_figures(user=user, org=target.org, round_=target.round),
            "draft": target.draft,
            "photos": PhotoSerializer(selectors.target_photos(target=target), many=True).data,
            "submissions": SubmissionSerializer(submissions, many=True).data,
        }
        return Response(data)


@extend_schema_serializer(component_name="RoundAnswerInput")
class AnswerSerializer(serializers.Serializer):
    texts = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        required=False,
        help_text=gettext_lazy("部分 → 段落；未给出的部分保留系统起草的文字"),
    )
    answers = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)


class TargetDraftApi(APIView):
    @extend_schema(
        operation_id="round_target_draft",
        summary=gettext_lazy("保存报送草稿"),
        tags=TAGS,
        request=AnswerSerializer,
        responses={200: TargetSerializer, **ERRORS},
    )
    def post(self, request: Request, target_id: int) -> Response:
        data, user = api_input(AnswerSerializer, request), api_user(request)
        target = selectors.target_get_for_user(user=user, target_id=target_id, for_write=True)
        target = services.target_save_draft(
            actor=user, target=target, texts=data.get("texts", {}), answers=data.get("answers", [])
        )
        return Response(TargetSerializer(target).data)


class TargetSubmitApi(APIView):
    @extend_schema(
        operation_id="round_target_submit",
        summary=gettext_lazy("报送（冻结一个版本）"),
        tags=TAGS,
        request=AnswerSerializer,
        responses={201: SubmissionSerializer, **ERRORS},
    )
    def post(self, request: Request, target_id: int) -> Response:
        data, user = api_input(AnswerSerializer, request), api_user(request)
        target = selectors.target_get_for_user(user=user, target_id=target_id, for_write=True)
        submission = services.target_submit(
            actor=user, target=target, texts=data.get("texts", {}), answers=data.get("answers", [])
        )
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


class SubmissionDetailApi(APIView):
    @extend_schema(
        operation_id="round_submission_detail",
        summary=gettext_lazy("已报送版本"),
        tags=TAGS,
        responses={200: SubmissionSerializer, **ERRORS},
    )
    def get(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_for_user(
            user=api_user(request), submission_id=submission_id
        )
        return Response(SubmissionSerializer(submission).data)


class SubmissionReviewApi(APIView):
    @extend_schema_serializer(component_name="RoundReviewInput")
    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField(help_text=gettext_lazy("true 审核通过；false 退回"))
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="round_submission_review",
        summary=gettext_lazy("审核：通过或退回（退回须写明原因）"),
        tags=TAGS,
        request=InputSerializer,
        responses={200: SubmissionSerializer, **ERRORS},
    )
    def post(self, request: Request, submission_id: int) -> Response:
        data, user = api_input(self.InputSerializer, request), api_user(request)
        submission = selectors.submission_get_for_user(
            user=user, submission_id=submission_id, for_review=True
        )
        if data["approve"]:
            submission = services.submission_approve(actor=user, submission=submission)
        else:
            submission = services.submission_return(
                actor=user, submission=submission, reason=data["reason"]
            )
        return Response(SubmissionSerializer(submission).data)


urlpatterns = [
    *api_route("rounds/", "api-rounds", RoundListApi, RoundCreateApi),
    path("rounds/<int:round_id>/", RoundDetailApi.as_view(), name="api-round"),
    path("rounds/<int:round_id>/remind/", RoundRemindApi.as_view(), name="api-round-remind"),
    path("rounds/<int:round_id>/quotes/", RoundQuotesApi.as_view(), name="api-round-quotes"),
    path("rounds/targets/<int:target_id>/", TargetDetailApi.as_view(), name="api-round-target"),
    path(
        "rounds/targets/<int:target_id>/draft/",
        TargetDraftApi.as_view(),
        name="api-round-target-draft",
    ),
    path(
        "rounds/targets/<int:target_id>/submit/",
        TargetSubmitApi.as_view(),
        name="api-round-target-submit",
    ),
    path(
        "rounds/submissions/<int:submission_id>/",
        SubmissionDetailApi.as_view(),
        name="api-round-submission",
    ),
    path(
        "rounds/submissions/<int:submission_id>/review/",
        SubmissionReviewApi.as_view(),
        name="api-round-submission-review",
    ),
]
