"""Pages of the answering unit and of the review: a target's draft (figures from the records,
the drafted words to edit, the questions), saving and submitting it, a submitted version (what
changed since the last one and what the records say now), approving or returning it, and the
version as Word or PDF, exactly as it was sent."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.audit.services import audit_record
from jinguo.common.http import AuthedRequest
from jinguo.orgs.selectors import may_write_at
from jinguo.reports.documents import unit_report_docx
from jinguo.reports.frozen import editable_parts, report_from_data
from jinguo.reports.gongwen_pdf import report_pdf
from jinguo.rounds import forms, selectors, services
from jinguo.rounds.filling import draft_report, in_order, read_figures, round_period
from jinguo.rounds.models import Round, Target
from jinguo.rounds.photo_views import answer_post, photo_form, report_photos

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _answer_form(request: AuthedRequest, target: Target) -> forms.AnswerForm:
    """The form of the target's words: the drafted parts, overlaid with what was saved."""
    round_ = target.round
    saved = target.draft.get("texts", {})
    parts: list[tuple[str, str, list[str]]] = []
    if round_.kind == Round.Kind.WORK_REPORT:
        report = draft_report(user=request.user, org=target.org, round_=round_)
        parts = [(p.key, p.heading, saved.get(p.key, p.paragraphs)) for p in editable_parts(report)]
    return forms.AnswerForm(
        request.POST or None,
        parts=parts,
        questions=round_.questions,
        answers=target.draft.get("answers", []),
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_detail(request: AuthedRequest, target_id: int) -> HttpResponse:
    target = selectors.target_get_for_user(user=request.user, target_id=target_id)
    writer = may_write_at(user=request.user, org=target.org)
    form = _answer_form(request, target)
    photos = photo_form(request, target)
    if request.method == "POST":
        target = selectors.target_get_for_user(
            user=request.user, target_id=target_id, for_write=True
        )
        if form.is_valid() and (photos is None or photos.is_valid()):
            done, photos = answer_post(request, target, form, photos)
            if done is not None:
                messages.success(request, done)
                return redirect("rounds:target", target_id=target.pk)
    context = {
        "target": target,
        "round": target.round,
        "figures": in_order(read_figures(user=request.user, org=target.org, round_=target.round)),
        "form": form,
        "photo_form": photos,
        "writer": writer
        and target.status in selectors.WAITING
        and target.round.status == Round.Status.OPEN,
        "submissions": selectors.target_submissions(target=target),
    }
    return render(request, "rounds/target_detail.html", context)


@login_required
@require_GET
def submission_detail(request: AuthedRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    previous = selectors.previous_version(submission)
    context = {
        "submission": submission,
        "target": submission.target,
        "round": submission.target.round,
        "report": report_from_data(submission.report) if submission.report else None,
        "figures": in_order(submission.figures),
        "answers": list(zip(submission.target.round.questions, submission.answers, strict=False)),
        "photos": selectors.submission_photos(submission=submission),
        "previous": previous,
        "figure_changes": selectors.figure_changes(previous.figures, submission.figures)
        if previous
        else [],
        "text_changes": selectors.text_changes(previous.report, submission.report)
        if previous
        else [],
        "answer_changes": selectors.answer_changes(
            submission.target.round.questions, previous.answers, submission.answers
        )
        if previous
        else [],
        "live_changes": selectors.live_changes(user=request.user, submission=submission),
        "reviewer": may_write_at(user=request.user, org=submission.target.round.org)
        and submission.review == submission.Review.PENDING,
        "return_form": forms.ReturnForm(),
    }
    return render(request, "rounds/submission_detail.html", context)


@login_required
@require_POST
def submission_review(request: AuthedRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_get_for_user(
        user=request.user, submission_id=submission_id, for_review=True
    )
    form = forms.ReturnForm(request.POST)
    try:
        if "approve" in request.POST:
            services.submission_approve(actor=request.user, submission=submission)
            messages.success(request, _("已审核通过。"))
        elif form.is_valid():
            reason = form.cleaned_data["reason"]
            services.submission_return(actor=request.user, submission=submission, reason=reason)
            messages.success(request, _("已退回。"))
        else:
            messages.error(request, _("退回须写明原因。"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("rounds:submission", submission_id=submission.pk)


@login_required
@require_GET
def submission_document(request: AuthedRequest, submission_id: int, fmt: str) -> HttpResponse:
    """The version's work report as it was sent (its frozen words and figures)."""
    submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    if fmt not in FORMATS or not submission.report:
        raise Http404
    report = report_from_data(submission.report)
    photos = report_photos(submission)
    if fmt == "docx":  # through the unit's county's or city's template, if it has one
        target = submission.target
        content = unit_report_docx(
            report,
            org=target.org,
            period=round_period(target.round),
            figures=lambda: submission.figures,
            photos=photos,
        )
    else:
        content = report_pdf(report, photos=photos)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    name = f"{report.title}（第{submission.version}版）.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"submission-{submission.pk}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "no-store"
    audit_record(
        actor=request.user,
        action="rounds.submission_document",
        target=submission,
        note=f"format={fmt}",
    )
    return response
