"""Writes of the public intake. Residents have no account: their submissions are filed by the
system (actor None) into the closed loop of cases, rate-limited per IP and per point."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.cases import services as case_services
from jinguo.cases.models import Case, CaseKind
from jinguo.common import throttle
from jinguo.intake.models import IntakePoint, Submission
from jinguo.orgs.kinds import Kind as OrgKind
from jinguo.orgs.models import OrgUnit
from jinguo.people.phones import PhoneError, parse_phone
from jinguo.visits.models import Wish
from jinguo.visits.services import wish_collect_public

POINT_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY, OrgKind.GRID)
PER_IP_PER_HOUR = 5
PER_POINT_PER_DAY = 100
TITLE_LENGTH = 30
# A case in these statuses has been handled: the resident may rate it.
RATEABLE = (Case.Status.RESOLVED, Case.Status.VERIFIED, Case.Status.CLOSED, Case.Status.RATED)


class RateLimited(Exception):
    """Too many submissions: the view answers 429 with this message."""


def intake_point_create(*, actor: User, org: OrgUnit) -> IntakePoint:
    """A QR intake point for a village, community or grid (callers check `org` for write)."""
    if org.kind not in POINT_KINDS or not org.is_active:
        raise ValidationError({"org": [_("只能为有效的村、社区或网格设置二维码")]})
    with transaction.atomic():
        point = IntakePoint.objects.create(org=org, created_by=actor)
        audit_record(actor=actor, action="intake.point_create", target=point)
    return point


def _throttle(*, point: IntakePoint, ip: str | None) -> None:
    """Count the submission against its address and its point in the cache every worker shares
    (jinguo.common.throttle), so that neither a second worker nor a restart resets them."""
    if ip and throttle.hit(f"intake:ip:{ip}", limit=PER_IP_PER_HOUR, window=3600) is None:
        raise RateLimited(_("提交太频繁，请一小时后再试"))
    point_key = f"intake:point:{point.pk}"
    if throttle.hit(point_key, limit=PER_POINT_PER_DAY, window=86400) is None:
        raise RateLimited(_("今天这里的提交已满，请明天再试或直接联系村（社区）妇联"))


def _submission_errors(*, kind: str, content: str, phone: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Submission.Kind.values:
        errors["kind"] = [_("请选择诉求或心愿")]
    if not content:
        errors["content"] = [_("请写下您要说的事")]
    if not phone:
        errors["phone"] = [_("请留下联系电话，以便答复您")]
    return errors


def _phone(value: str) -> str:
    try:
        return parse_phone(value)
    except PhoneError as exc:
        raise ValidationError({"phone": [str(exc)]}) from None


def submission_file(
    *, point: IntakePoint, kind: str, content: str, name: str, phone: str, ip: str | None
) -> Submission:
    """File a resident's request as a case, or her wish as a wish, at the point's unit; the
    Submission carries the receipt token the resident keeps to come back."""
    content, name = content.strip(), name.strip()
    phone = _phone(phone)
    errors = _submission_errors(kind=kind, content=content, phone=phone)
    if errors:
        raise ValidationError(errors)
    if not point.is_active:
        raise ValidationError(_("此二维码已停用"))
    _throttle(point=point, ip=ip)
    with transaction.atomic():
        if kind == Submission.Kind.WISH:
            wish = wish_collect_public(org=point.org, content=content, note="有事您说话")
            return Submission.objects.create(
                point=point, kind=kind, content=content, name=name, phone=phone, wish=wish, ip=ip
            )
        case = case_services.case_report(
            actor=None,
            org=point.org,
            kind=CaseKind.REQUEST,
            title=content[:TITLE_LENGTH],
            description=content,
            reporter_name=name,
            reporter_phone=phone,
            source="public",
        )
        return Submission.objects.create(
            point=point, kind=kind, content=content, name=name, phone=phone, case=case, ip=ip
        )


def _rating_errors(submission: Submission, rating: int) -> list[str]:
    if submission.rating is not None:
        return [_("您已经评价过了，谢谢")]
    if rating not in range(1, 6):
        return [_("请选择 1 到 5 分")]
    case, wish = submission.case, submission.wish
    if case is not None and case.status not in RATEABLE:
        return [_("事情还在办理中，办结后才能评价")]
    if wish is not None and wish.status != Wish.Status.FULFILLED:
        return [_("心愿实现后才能评价")]
    return []


def submission_rate(*, submission: Submission, rating: int, note: str = "") -> Submission:
    """The resident's rating, once, after the case was handled; a closed case records it as its
    回访评价 too."""
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("case", "wish")
            .get(pk=submission.pk)
        )
        errors = _rating_errors(locked, rating)
        if errors:
            raise ValidationError({"rating": errors})
        locked.rating, locked.rating_note = rating, note.strip()[:500]
        locked.rated_at = timezone.now()
        locked.save(update_fields=["rating", "rating_note", "rated_at"])
        if locked.case is not None and locked.case.status == Case.Status.CLOSED:
            case_services.case_rate(
                actor=None, case=locked.case, satisfaction=rating, note=locked.rating_note
            )
        audit_record(
            actor=None,
            action="intake.rate",
            target=locked,
            changes={"rating": [None, rating]},
        )
    return locked
