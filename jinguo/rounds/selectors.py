"""Reads of report rounds, always within the user's scope: a unit sees the rounds it issued, and
the targets (with their submissions) of units in its subtree. Progress per round (DHIS2's
reporting and on-time rates) is one grouped query; what changed between versions and what the
records say now are computed from the frozen versions.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.rounds.filling import in_order, read_figures
from jinguo.rounds.models import (
    Round,
    RoundChange,
    Submission,
    SubmissionPhoto,
    Target,
    TargetPhoto,
)

WAITING = (Target.Status.PENDING, Target.Status.RETURNED)
ANSWERED = (Target.Status.SUBMITTED, Target.Status.APPROVED)


def deadline_end(round_: Round) -> dt.datetime:
    """The first moment after the deadline day (local time): a submission before it is on
    time."""
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(round_.deadline + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def rounds_visible(*, user: User) -> QuerySet[Round]:
    """Rounds issued in the user's subtree, or asking a unit of her subtree to answer."""
    answering = Target.objects.filter(scope_q(user=user, field="org"), round=OuterRef("pk"))
    return Round.objects.filter(scope_q(user=user, field="org") | Q(Exists(answering)))


def round_list(*, user: User, status: str | None = None) -> QuerySet[Round]:
    rounds = rounds_visible(user=user).select_related("org", "created_by")
    if status:
        rounds = rounds.filter(status=status)
    return rounds.annotate(
        expected=Count("targets", distinct=True),
        answered=Count("targets", filter=Q(targets__status__in=ANSWERED), distinct=True),
    ).order_by("-deadline", "-id")


def round_get_for_user(*, user: User, round_id: int, for_write: bool = False) -> Round:
    """The round if the user may see it (404 otherwise); with `for_write`, if she writes for
    the issuing unit (403)."""
    round_ = (
        rounds_visible(user=user).select_related("org", "created_by").filter(pk=round_id).first()
    )
    if round_ is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=round_.org):
        raise PermissionDenied
    return round_


def targets_visible(*, user: User) -> QuerySet[Target]:
    """Targets of units in the user's subtree, and every target of a round her unit issued."""
    issued = Round.objects.filter(scope_q(user=user, field="org"))
    return Target.objects.filter(scope_q(user=user, field="org") | Q(round__in=issued))


def target_get_for_user(*, user: User, target_id: int, for_write: bool = False) -> Target:
    """The target if visible (404); with `for_write`, if she writes for the target unit
    (the unit that answers; 403)."""
    target = (
        targets_visible(user=user)
        .select_related("round__org", "round__created_by", "org")
        .filter(pk=target_id)
        .first()
    )
    if target is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=target.org):
        raise PermissionDenied
    return target


def submission_get_for_user(
    *, user: User, submission_id: int, for_review: bool = False
) -> Submission:
    """A version if its target is visible (404); with `for_review`, if she writes for the
    issuing unit (403)."""
    submission = (
        Submission.objects.filter(target__in=targets_visible(user=user))
        .select_related("target__round__org", "target__org", "submitted_by", "reviewed_by")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404
    if for_review and not may_write_at(user=user, org=submission.target.round.org):
        raise PermissionDenied
    return submission


@dataclass(frozen=True)
class Answer:
    target: Target
    submission: Submission


def latest_answers(*, user: User, round_: Round) -> list[Answer]:
    """The latest version of every visible target that has submitted (approved ones and
    those awaiting review; a returned version is not the unit's answer), in tree order."""
    targets = (
        targets_visible(user=user)
        .filter(round=round_, status__in=ANSWERED)
        .select_related("org")
        .order_by("org__path")
    )
    latest = {
        s.target_id: s
        for s in Submission.objects.filter(target__in=targets).order_by("target_id", "version")
    }
    return [Answer(t, latest[t.pk]) for t in targets if t.pk in latest]


def target_submissions(*, target: Target) -> QuerySet[Submission]:
    return target.submissions.select_related("submitted_by", "reviewed_by").order_by("-version")


def target_photos(*, target: Target) -> QuerySet[TargetPhoto]:
    return target.photos.order_by("uploaded_at", "id")


def submission_photos(*, submission: Submission) -> QuerySet[SubmissionPhoto]:
    return submission.photos.order_by("position")


def target_photo_get_for_user(*, user: User, photo_id: int, for_write: bool = False) -> TargetPhoto:
    """A draft's photo if its target is visible (404); with `for_write`, if she writes for the
    target unit (403)."""
    photo = (
        TargetPhoto.objects.filter(target__in=targets_visible(user=user))
        .select_related("target__round", "target__org")
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=photo.target.org):
        raise PermissionDenied
    return photo


def submission_photo_get_for_user(*, user: User, photo_id: int) -> SubmissionPhoto:
    """A version's photo if the version is visible (404), as submission_get_for_user."""
    photo = (
        SubmissionPhoto.objects.filter(submission__target__in=targets_visible(user=user))
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def round_history(*, round_: Round) -> QuerySet[RoundChange]:
    return round_.changes.select_related("actor", "target__org").order_by("-at", "-id")


# --- progress ---------------------------------------------------------------------------------


@dataclass
class Progress:
    """DHIS2's completeness: expected, submitted (and on time), approved, returned, overdue."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    approved: int = 0
    returned: int = 0
    overdue: int = 0

    @property
    def reporting_rate(self) -> float:
        return round(100 * self.submitted / self.expected, 1) if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0


@dataclass
class RoundProgress:
    total: Progress
    rows: list[tuple[Target, Progress]] = field(default_factory=list)


def _progress_of(target: Target, *, due: dt.datetime, now: dt.datetime) -> Progress:
    answered = target.first_submitted_at is not None
    waiting = target.status in WAITING
    return Progress(
        expected=1,
        submitted=int(answered),
        on_time=int(answered and target.first_submitted_at < due),  # type: ignore[operator]
        approved=int(target.status == Target.Status.APPROVED),
        returned=int(target.status == Target.Status.RETURNED),
        overdue=int(waiting and now >= due),
    )


def round_progress(*, round_: Round, user: User, now: dt.datetime | None = None) -> RoundProgress:
    """Per target the user may see (in path order) and in total; one query."""
    now = now or timezone.now()
    due = deadline_end(round_)
    targets = (
        targets_visible(user=user).filter(round=round_).select_related("org").order_by("org__path")
    )
    result = RoundProgress(total=Progress())
    for target in targets:
        row = _progress_of(target, due=due, now=now)
        result.rows.append((target, row))
        for name in ("expected", "submitted", "on_time", "approved", "returned", "overdue"):
            setattr(result.total, name, getattr(result.total, name) + getattr(row, name))
    return result


def my_tasks(*, user: User) -> QuerySet[Target]:
    """What the user's own unit must answer: targets of open rounds still waiting on it, the
    earliest deadline first (the home page's list)."""
    if user.org_id is None or not user.can_write:
        return Target.objects.none()
    return (
        Target.objects.filter(
            org_id=user.org_id, status__in=WAITING, round__status=Round.Status.OPEN
        )
        .select_related("round__org")
        .order_by("round__deadline", "round_id")
    )


# --- versions and the records now ---------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    key: str
    label: str
    before: Any
    after: Any

    @property
    def delta(self) -> Any:
        if isinstance(self.before, (int, float)) and isinstance(self.after, (int, float)):
            return round(self.after - self.before, 1)
        return None


def figure_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FigureChange]:
    """Figures whose value differs between two answers (key order of `after`)."""
    out = []
    keys = [k for k, _f in in_order(after)]
    for key in [*keys, *(k for k, _f in in_order(before) if k not in after)]:
        old, new = before.get(key), after.get(key)
        old_value = old.get("value") if old else None
        new_value = new.get("value") if new else None
        if old_value != new_value:
            label = (new or old or {}).get("label", key)
            out.append(FigureChange(key, label, old_value, new_value))
    return out


def text_changes(
    before: dict[str, Any], after: dict[str, Any]
) -> list[tuple[str, list[str], list[str]]]:
    """(part heading, old paragraphs, new paragraphs) for each part whose words differ."""

    def parts(report: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
        out = {}
        for part in report.get("parts", []):
            for p in (part, *part.get("parts", [])):
                out[p["key"]] = (p["heading"], p.get("paragraphs", []))
        return out

    old, new = parts(before), parts(after)
    changed = []
    for key in [*new, *(k for k in old if k not in new)]:
        heading = (new.get(key) or old[key])[0]
        a, b = old.get(key, ("", []))[1], new.get(key, ("", []))[1]
        if a != b:
            changed.append((heading, a, b))
    return changed


def answer_changes(
    questions: list[str], before: list[str], after: list[str]
) -> list[tuple[str, str, str]]:
    """(question, old answer, new answer) for each question whose answer differs."""
    changed = []
    for i, question in enumerate(questions):
        old = before[i] if i < len(before) else ""
        new = after[i] if i < len(after) else ""
        if old != new:
            changed.append((question, old, new))
    return changed


def previous_version(submission: Submission) -> Submission | None:
    return (
        Submission.objects.filter(target_id=submission.target_id, version__lt=submission.version)
        .order_by("-version")
        .first()
    )


def live_changes(*, user: User, submission: Submission) -> list[FigureChange]:
    """Figures of the version that the records no longer give, and by how much."""
    target = submission.target
    now = read_figures(user=user, org=target.org, round_=target.round)
    return figure_changes(submission.figures, now)


def rounds_to_review(*, user: User) -> QuerySet[Round]:
    """Open rounds her own unit issued with submissions waiting for review (待审核), each with
    `waiting`, their number: one query."""
    waiting = Count("targets", filter=Q(targets__status=Target.Status.SUBMITTED))
    rounds = Round.objects.filter(org_id=user.org_id, status=Round.Status.OPEN)
    return rounds.annotate(waiting=waiting).filter(waiting__gt=0).order_by("deadline", "pk")
