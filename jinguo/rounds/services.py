"""Writes of report rounds: create a round, save a draft (its words, answers and photos), submit
(freeze a version), approve or return it, remind the late units, close the round. Each writes
one history row and its audit row; who may act is the one write rule
(orgs.selectors.check_write_at): the issuing unit's writers create, review, remind and close;
a target unit's writers draft, attach photos and submit.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.common.uploads import photo_errors
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.reports.frozen import apply_edits, changed_numbers, editable_parts, report_to_data
from jinguo.reports.narrative import WorkReport
from jinguo.rounds.filling import draft_report, live_figures_for, read_figures, values_only
from jinguo.rounds.messages import message_units
from jinguo.rounds.models import (
    Round,
    RoundChange,
    Submission,
    SubmissionPhoto,
    Target,
    TargetPhoto,
)
from jinguo.rounds.quoting import QuoteRef, checked_quotes

MAX_TARGETS = 2000
NUMBERS_CHANGED = gettext_lazy(
    "“%(part)s”中的数字%(numbers)s与台账不符：数字由台账生成，不能修改；"
    "如数字有误，请到对应记录中更正。"
)
MAX_QUESTIONS = 20
MAX_PHOTOS = 9  # a version's photos, as a phone's share sheet and WeChat take them
MAX_CAPTION = 100
PHOTOS_REQUIRED = gettext_lazy("本任务须附照片：请至少添加一张照片后再报送。")


def _record(
    *,
    actor: User | None,
    round_: Round,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    target: Target | None = None,
    note: str = "",
) -> None:
    """One history row of the round (and the target it concerns) with its audit row."""
    record_change(
        RoundChange,
        target=round_,
        links={"target": target},
        actor=actor,
        action=action,
        audit_action=f"round.{action}",
        audit_target=target if target is not None else round_,
        old=old,
        new=new,
        note=note,
    )


def _check_round(
    *, org: OrgUnit, targets: list[OrgUnit], start: dt.date, end: dt.date, deadline: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {"targets": [], "end": [], "deadline": []}
    if not targets:
        errors["targets"].append(_("请选择至少一个报送单位。"))
    if len(targets) > MAX_TARGETS:
        errors["targets"].append(_("报送单位不能超过%(n)s个。") % {"n": MAX_TARGETS})
    outside = [t.name for t in targets if t.pk == org.pk or not org.contains(t)]
    if outside:
        errors["targets"].append(
            _("报送单位须为本单位的下级单位：%(names)s") % {"names": "、".join(outside[:5])}
        )
    if end < start:
        errors["end"].append(_("统计期间结束日期不能早于开始日期。"))
    if deadline < start:
        errors["deadline"].append(_("报送截止日期不能早于统计期间开始日期。"))
    return {k: v for k, v in errors.items() if v}


def round_create(
    *,
    actor: User,
    org: OrgUnit,
    title: str,
    kind: str,
    start: dt.date,
    end: dt.date,
    deadline: dt.date,
    targets: list[OrgUnit],
    figure_keys: list[str] | None = None,
    questions: list[str] | None = None,
    note: str = "",
    photos: str = Round.Photos.NONE,
) -> Round:
    """A round from `org` to `targets` (units below it), each target's figures filled: read
    for all the targets at once (grouped, jinguo.rounds.filling.live_figures_for) before the
    writes, so the reads may run side by side outside the transaction. With `photos`, whether
    the units may (or must) attach photos to their answers."""
    check_write_at(user=actor, org=org)
    questions = [q.strip() for q in (questions or []) if q.strip()][:MAX_QUESTIONS]
    errors = _check_round(org=org, targets=targets, start=start, end=end, deadline=deadline)
    if photos not in Round.Photos.values:
        errors["photos"] = [_("请选择是否需要附照片。")]
    if kind == Round.Kind.FORM and not (figure_keys or questions):
        errors["figure_keys"] = [_("数据报表须至少选择一项数据或填写一个问题。")]
    if errors:
        raise ValidationError(errors)
    round_ = Round(
        org=org,
        title=title.strip(),
        kind=kind,
        start=start,
        end=end,
        deadline=deadline,
        figure_keys=list(figure_keys or []) if kind == Round.Kind.FORM else [],
        questions=questions,
        note=note.strip(),
        photos=photos,
        created_by=actor,
    )
    units = sorted({t.pk: t for t in targets}.values(), key=lambda t: t.path)
    figures = live_figures_for(user=actor, round_=round_, orgs=units)
    now = timezone.now()
    with transaction.atomic():
        round_.save()
        Target.objects.bulk_create(
            Target(round=round_, org=unit, figures=values_only(figures[unit.pk]), filled_at=now)
            for unit in units
        )
        _record(
            actor=actor,
            round_=round_,
            action=RoundChange.Action.CREATE,
            old={},
            new={
                "title": round_.title,
                "targets": len(units),
                "deadline": deadline.isoformat(),
                "photos": photos,
            },
        )
        message_units(round_=round_, org_ids=[u.pk for u in units], actor=actor)
    return round_


def _check_target_writer(actor: User, target: Target) -> None:
    check_write_at(user=actor, org=target.org)
    if target.round.status != Round.Status.OPEN:
        raise ValidationError(_("该报送任务已结束。"))


def _checked_draft(
    actor: User, target: Target, texts: dict[str, list[str]], answers: list[str]
) -> tuple[dict[str, Any], WorkReport | None]:
    """The draft as it may be kept (texts of known parts, answers) and the report drafted from
    the records now: an edited part may reword, never change or add a number."""
    round_ = target.round
    report = None
    clean: dict[str, list[str]] = {}
    errors = []
    if round_.kind == Round.Kind.WORK_REPORT:
        report = draft_report(user=actor, org=target.org, round_=round_)
        drafted = {p.key: p for p in editable_parts(report)}
        for key, paragraphs in texts.items():
            if key not in drafted:
                continue
            changed = changed_numbers(drafted[key].paragraphs, paragraphs)
            if changed:
                errors.append(
                    NUMBERS_CHANGED % {"part": drafted[key].heading, "numbers": "、".join(changed)}
                )
            clean[key] = [p.strip() for p in paragraphs if p.strip()]
    if errors:
        raise ValidationError({"texts": errors})
    answers = [a.strip() for a in answers][: len(round_.questions)]
    return {"texts": clean, "answers": answers}, report


def _set_captions(target: Target, captions: dict[int, str] | None) -> int:
    """Give the draft's photos the captions edited (photo id → caption); how many changed."""
    if not captions:
        return 0
    too_long = [c for c in captions.values() if len(c.strip()) > MAX_CAPTION]
    if too_long:
        raise ValidationError({"photos": [_("照片说明不超过%(n)s字。") % {"n": MAX_CAPTION}]})
    changed = [
        photo
        for photo in target.photos.filter(pk__in=list(captions))
        if photo.caption != captions[photo.pk].strip()
    ]
    for photo in changed:
        photo.caption = captions[photo.pk].strip()
    TargetPhoto.objects.bulk_update(changed, ["caption"])
    return len(changed)


@transaction.atomic
def target_save_draft(
    *,
    actor: User,
    target: Target,
    texts: dict[str, list[str]],
    answers: list[str],
    captions: dict[int, str] | None = None,
) -> Target:
    """Keep the words, the answers and the photos' captions as edited so far."""
    _check_target_writer(actor, target)
    old = target.draft
    target.draft, _report = _checked_draft(actor, target, texts, answers)
    captioned = _set_captions(target, captions)
    target.save(update_fields=["draft"])
    new: dict[str, Any] = {"parts": sorted(target.draft["texts"])}
    if captioned:
        new["captions"] = captioned
    _record(
        actor=actor,
        round_=target.round,
        target=target,
        action=RoundChange.Action.SAVE,
        old={"parts": sorted(old.get("texts", {}))},
        new=new,
    )
    return target


def _check_photo_writer(actor: User, target: Target) -> None:
    _check_target_writer(actor, target)
    if target.round.photos == Round.Photos.NONE:
        raise ValidationError({"photos": [_("本任务不需要附照片。")]})
    if target.status in (Target.Status.SUBMITTED, Target.Status.APPROVED):
        raise ValidationError({"photos": [_("已报送，待上级退回后方可修改照片。")]})


@transaction.atomic
def target_photos_add(
    *, actor: User, target: Target, files: Sequence[UploadedFile], caption: str = ""
) -> list[TargetPhoto]:
    """Attach photos to the target's draft, all or none: each must be a real image (it is
    re-encoded without metadata, jinguo.common.uploads) and a draft holds at most MAX_PHOTOS."""
    target = Target.objects.select_for_update().select_related("round", "org").get(pk=target.pk)
    _check_photo_writer(actor, target)
    files = [f for f in files if f]
    if not files:
        raise ValidationError({"photos": [_("请选择照片。")]})
    have = target.photos.count()
    if have + len(files) > MAX_PHOTOS:
        raise ValidationError(
            {
                "photos": [
                    _("每次报送最多附%(n)s张照片，已有%(have)s张。")
                    % {"n": MAX_PHOTOS, "have": have}
                ]
            }
        )
    caption = caption.strip()
    errors = []
    if len(caption) > MAX_CAPTION:
        errors.append(_("照片说明不超过%(n)s字。") % {"n": MAX_CAPTION})
    for upload in files:
        errors += [f"{upload.name}：{e}" if upload.name else e for e in photo_errors(upload)]
    if errors:
        raise ValidationError({"photos": errors})
    added = []
    for upload in files:
        photo = TargetPhoto(target=target, caption=caption, uploaded_by=actor)
        photo.file.save(upload.name or "photo.jpg", upload, save=False)
        photo.save()
        added.append(photo)
    _record(
        actor=actor,
        round_=target.round,
        target=target,
        action=RoundChange.Action.PHOTO_ADD,
        old={"photos": have},
        new={"photos": have + len(added), "files": [p.file.name for p in added]},
    )
    return added


@transaction.atomic
def target_photo_remove(*, actor: User, photo: TargetPhoto) -> None:
    """Take a photo off the draft. A version submitted with it keeps it (and its file); the
    file is deleted only when no version holds it."""
    target = (
        Target.objects.select_for_update().select_related("round", "org").get(pk=photo.target_id)
    )
    _check_photo_writer(actor, target)
    name, caption = photo.file.name, photo.caption
    photo.delete()
    if not SubmissionPhoto.objects.filter(file=name).exists():
        storage = photo.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    _record(
        actor=actor,
        round_=target.round,
        target=target,
        action=RoundChange.Action.PHOTO_REMOVE,
        old={"file": name, "caption": caption},
        new={"photos": target.photos.count()},
    )


@transaction.atomic
def target_submit(
    *,
    actor: User,
    target: Target,
    texts: dict[str, list[str]],
    answers: list[str],
    captions: dict[int, str] | None = None,
) -> Submission:
    """Freeze a version: the figures the records give now, the words as edited, the answers
    and the draft's photos (the version keeps them whatever the draft does later)."""
    target = Target.objects.select_for_update().select_related("round", "org").get(pk=target.pk)
    _check_target_writer(actor, target)
    if target.status in (Target.Status.SUBMITTED, Target.Status.APPROVED):
        raise ValidationError(_("已报送，待上级退回后方可重新报送。"))
    round_ = target.round
    given = [a.strip() for a in answers] + [""] * len(round_.questions)
    errors: dict[str, list[str]] = {}
    if not all(given[: len(round_.questions)]):
        errors["answers"] = [_("请回答全部问题。")]
    photos = list(target.photos.all()) if round_.photos != Round.Photos.NONE else []
    if round_.photos == Round.Photos.REQUIRED and not photos:
        errors["photos"] = [str(PHOTOS_REQUIRED)]
    if errors:
        raise ValidationError(errors)
    _set_captions(target, captions)
    photos = list(target.photos.all()) if photos else []
    draft, drafted = _checked_draft(actor, target, texts, answers)
    figures = read_figures(user=actor, org=target.org, round_=round_)
    report: dict[str, Any] = {}
    if drafted is not None:
        report = report_to_data(apply_edits(drafted, draft["texts"]))
    version = target.submissions.count() + 1
    now = timezone.now()
    submission = Submission.objects.create(
        target=target,
        version=version,
        figures=figures,
        report=report,
        answers=draft["answers"],
        submitted_by=actor,
        submitted_at=now,
    )
    SubmissionPhoto.objects.bulk_create(
        SubmissionPhoto(
            submission=submission,
            position=i,
            file=photo.file.name,
            caption=photo.caption,
            uploaded_by_id=photo.uploaded_by_id,
            uploaded_at=photo.uploaded_at,
        )
        for i, photo in enumerate(photos, 1)
    )
    old = target.status
    target.status = Target.Status.SUBMITTED
    target.draft = draft
    target.figures, target.filled_at = values_only(figures), now
    target.first_submitted_at = target.first_submitted_at or now
    target.save(update_fields=["status", "draft", "figures", "filled_at", "first_submitted_at"])
    _record(
        actor=actor,
        round_=round_,
        target=target,
        action=RoundChange.Action.SUBMIT,
        old={"status": old},
        new={"status": target.status, "version": version, "photos": len(photos)},
    )
    return submission


def _review(
    *, actor: User, submission: Submission, review: str, status: str, action: str, note: str
) -> Submission:
    target = submission.target
    check_write_at(user=actor, org=target.round.org)
    if submission.review != Submission.Review.PENDING:
        raise ValidationError(_("该版本已审核。"))
    if submission.target.submissions.filter(version__gt=submission.version).exists():
        raise ValidationError(_("只能审核最新版本。"))
    submission.review = review
    submission.reviewed_by, submission.reviewed_at = actor, timezone.now()
    submission.review_note = note.strip()[:500]
    submission.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    old = target.status
    target.status = status
    target.save(update_fields=["status"])
    _record(
        actor=actor,
        round_=target.round,
        target=target,
        action=action,
        old={"status": old},
        new={"status": status, "version": submission.version},
        note=note,
    )
    return submission


def submission_approve(*, actor: User, submission: Submission, note: str = "") -> Submission:
    return _review(
        actor=actor,
        submission=submission,
        review=Submission.Review.APPROVED,
        status=Target.Status.APPROVED,
        action=RoundChange.Action.APPROVE,
        note=note,
    )


def submission_return(*, actor: User, submission: Submission, reason: str) -> Submission:
    if not reason.strip():
        raise ValidationError({"reason": [_("退回须写明原因。")]})
    return _review(
        actor=actor,
        submission=submission,
        review=Submission.Review.RETURNED,
        status=Target.Status.RETURNED,
        action=RoundChange.Action.RETURN,
        note=reason,
    )


def round_remind(*, actor: User, round_: Round, today: dt.date | None = None) -> int:
    """Mark the units that have not submitted (pending or returned) as reminded, and put a
    message in their people's inbox ("round:<id>:remind:<n>"); how many units."""
    check_write_at(user=actor, org=round_.org)
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("该报送任务已结束。"))
    late = round_.targets.filter(status__in=(Target.Status.PENDING, Target.Status.RETURNED))
    with transaction.atomic():
        n = round_.changes.filter(action=RoundChange.Action.REMIND).count() + 1
        org_ids = list(late.values_list("org_id", flat=True))
        count = late.update(reminded_at=timezone.now())
        sent = message_units(round_=round_, org_ids=org_ids, actor=actor, reminder=n)
        _record(
            actor=actor,
            round_=round_,
            action=RoundChange.Action.REMIND,
            old={},
            new={"reminded": count, "messages": sent},
        )
    return count


def round_close(*, actor: User, round_: Round) -> Round:
    check_write_at(user=actor, org=round_.org)
    if round_.status == Round.Status.CLOSED:
        raise PermissionDenied
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])
    _record(
        actor=actor,
        round_=round_,
        action=RoundChange.Action.CLOSE,
        old={"status": Round.Status.OPEN},
        new={"status": Round.Status.CLOSED},
    )
    return round_


@transaction.atomic
def round_choose_quotes(*, round_: Round, actor: User, choices: list[QuoteRef]) -> Round:
    """Keep the paragraphs the issuing unit quotes in its consolidated report (none: the
    report chooses for itself). Open or closed, the report may still be written."""
    check_write_at(user=actor, org=round_.org)
    quotes = checked_quotes(round_, choices)
    old = [QuoteRef(q["submission"], q["part"], q["index"]).value for q in round_.quotes]
    round_.quotes = quotes
    round_.save(update_fields=["quotes"])
    _record(
        actor=actor,
        round_=round_,
        action=RoundChange.Action.QUOTE,
        old={"quotes": old},
        new={"quotes": [c.value for c in dict.fromkeys(choices)]},
    )
    return round_
