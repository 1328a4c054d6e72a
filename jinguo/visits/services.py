"""Writes for visits and wishes. Callers fetch the household or wish through the selectors'
fetch-and-check functions first (404 out of scope, 403 for read-only roles); these functions
enforce the rules of the record and raise ValidationError with Chinese messages, by field."""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.audit.services import audit_record
from jinguo.cases.services import case_report
from jinguo.common.idempotency import made_before, once
from jinguo.common.uploads import photo_errors
from jinguo.households.models import Household
from jinguo.households.plan import plan_visit_logged
from jinguo.households.scope import may_write_household
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.visits.models import Channel, ServiceKind, Visit, Wish, WishChange

Status = Wish.Status


def _raise_if(errors: dict[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _require_household_writer(actor: User, household: Household) -> None:
    # Views check this already; a service called from elsewhere must not let a leader write.
    if not may_write_household(user=actor, household=household):
        raise PermissionDenied


# --- visits -------------------------------------------------------------------------------------


def _visit_errors(
    *, channel: str, services: list[str], visited_on: dt.date, photo: UploadedFile | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {"channel": [], "services": [], "visited_on": []}
    if channel not in Channel.values:
        errors["channel"].append(_("请选择走访方式"))
    unknown = [code for code in services if code not in ServiceKind.values]
    if unknown:
        errors["services"].append(_("未知的服务内容：%(codes)s") % {"codes": "、".join(unknown)})
    if visited_on > timezone.localdate():
        errors["visited_on"].append(_("走访日期不能晚于今天"))
    errors["photo"] = photo_errors(photo)
    return errors


def visit_log(
    *,
    actor: User,
    household: Household,
    channel: str,
    services: Iterable[str],
    note: str = "",
    photo: UploadedFile | None = None,
    visited_on: dt.date | None = None,
    client_id: uuid.UUID | None = None,
) -> Visit:
    """Record a visit by `actor` (she may see `household`: callers fetch it through
    household_get_for_user). Her person record is the executive who visited. A `client_id`
    stored before (a resent visit) answers with that visit and stores nothing."""

    def create() -> Visit:
        return _visit_create(
            actor=actor,
            household=household,
            channel=channel,
            services=services,
            note=note,
            photo=photo,
            visited_on=visited_on,
            client_id=client_id,
        )

    return once(Visit, client_id=client_id, actor=actor, by="visited_by", create=create)


def _visit_create(
    *,
    actor: User,
    household: Household,
    channel: str,
    services: Iterable[str],
    note: str,
    photo: UploadedFile | None,
    visited_on: dt.date | None,
    client_id: uuid.UUID | None,
) -> Visit:
    _require_household_writer(actor, household)
    codes = list(dict.fromkeys(services))  # keep the order, drop repeats
    day = visited_on or timezone.localdate()
    _raise_if(_visit_errors(channel=channel, services=codes, visited_on=day, photo=photo))
    with transaction.atomic():
        visit = Visit(
            household=household,
            executive_id=actor.person_id,
            visited_by=actor,
            org_id=household.grid_id,
            channel=channel,
            services=codes,
            note=note.strip(),
            visited_on=day,
            client_id=client_id,
        )
        if photo:
            visit.photo.save(photo.name or "photo", photo, save=False)
        visit.save()
        # The stored plan moves with the visit, in the same transaction (a back-dated visit
        # older than the last one leaves it as it is).
        plan_visit_logged(household_id=household.pk, visited_on=day)
        changes = {"channel": [None, channel], "services": [None, codes], "date": [None, str(day)]}
        audit_record(actor=actor, action="visit.create", target=visit, changes=changes)
    return visit


# Form field of each case_report error, so the visit form shows them in its case section.
_CASE_FIELDS = {"kind": "case_kind", "title": "case_title", "org": "case_kind"}


def visit_log_with_case(
    *,
    actor: User,
    household: Household,
    case_kind: str,
    case_title: str,
    case_description: str = "",
    **visit: Any,
) -> Visit:
    """A visit that opens a case on the spot (at the household's grid, source "visit"), linked
    to it. One transaction: a case that cannot be reported leaves no visit behind. Sent again
    (the same client_id), it answers with the visit and its case, and reports nothing twice."""
    client_id = visit.get("client_id")
    if (found := made_before(Visit, client_id=client_id, actor=actor, by="visited_by")) is not None:
        return found
    with transaction.atomic():
        logged = visit_log(actor=actor, household=household, **visit)
        try:
            case = case_report(
                actor=actor,
                org=household.grid,
                kind=case_kind,
                title=case_title,
                description=case_description,
                household=household,
                source="visit",
            )
        except ValidationError as exc:
            raise _case_errors(exc) from exc
        logged.case = case
        logged.save(update_fields=["case"])
        audit_record(
            actor=actor, action="visit.case", target=logged, changes={"case": [None, case.number]}
        )
    return logged


def _case_errors(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {_CASE_FIELDS.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


# --- wishes -------------------------------------------------------------------------------------


def _wish_change(*, actor: User | None, wish: Wish, old: str, note: str = "") -> None:
    record_change(
        WishChange,
        target=wish,
        actor=actor,
        action=wish.status,
        audit_action=f"wish.{wish.status}",
        note=note,
        from_status=old,
        to_status=wish.status,
        changes={"status": [old or None, wish.status]},
    )


def wish_collect(
    *,
    actor: User,
    content: str,
    category: str,
    household: Household | None = None,
    org: OrgUnit | None = None,
    client_id: uuid.UUID | None = None,
) -> Wish:
    """A new wish, owned by the household's grid, or by `org` (default: the actor's unit). A
    `client_id` stored before (a resent wish) answers with that wish and stores nothing."""

    def create() -> Wish:
        return _wish_create(
            actor=actor,
            content=content,
            category=category,
            household=household,
            org=org,
            client_id=client_id,
        )

    return once(Wish, client_id=client_id, actor=actor, by="collected_by", create=create)


def _wish_create(
    *,
    actor: User,
    content: str,
    category: str,
    household: Household | None,
    org: OrgUnit | None,
    client_id: uuid.UUID | None,
) -> Wish:
    owner = household.grid if household is not None else (org or actor.org)
    if household is not None:
        _require_household_writer(actor, household)
    elif owner is not None:
        check_write_at(user=actor, org=owner)
    content = content.strip()
    _raise_if(
        {
            "content": [] if content else [_("请填写心愿内容")],
            "category": [] if category in Wish.Category.values else [_("请选择心愿类别")],
        }
    )
    if owner is None:
        raise ValidationError({"org": [_("请选择所属组织")]})
    with transaction.atomic():
        wish = Wish.objects.create(
            org=owner,
            household=household,
            content=content,
            category=category,
            collected_by=actor,
            client_id=client_id,
        )
        _wish_change(actor=actor, wish=wish, old="")
    return wish


def wish_collect_public(*, org: OrgUnit, content: str, note: str = "") -> Wish:
    """A wish a resident filed herself (public intake, no account): owned by `org`, collected
    by nobody, waiting for a donor like any other wish."""
    content = content.strip()
    if not content:
        raise ValidationError({"content": [_("请填写心愿内容")]})
    with transaction.atomic():
        wish = Wish.objects.create(
            org=org, content=content, category=Wish.Category.OTHER, collected_by=None
        )
        _wish_change(actor=None, wish=wish, old="", note=note)
    return wish


# Which states each transition may start from.
_ALLOWED = {
    Status.CLAIMED: {Status.COLLECTED},
    Status.FULFILLED: {Status.CLAIMED},
    Status.CANCELLED: {Status.COLLECTED, Status.CLAIMED},
}


def _locked(wish: Wish, target: str) -> Wish:
    """The wish row, locked until the transaction ends, checked against the state machine:
    two people claiming one wish at once cannot both win."""
    locked = Wish.objects.select_for_update().get(pk=wish.pk)
    if locked.status not in _ALLOWED[Status(target)]:
        raise ValidationError(
            _("心愿当前状态为“%(now)s”，不能变为“%(to)s”")
            % {"now": locked.get_status_display(), "to": Status(target).label}
        )
    return locked


def _transition(*, actor: User, wish: Wish, target: str, note: str = "", **fields: object) -> Wish:
    check_write_at(user=actor, org=wish.org)
    with transaction.atomic():
        locked = _locked(wish, target)
        old = locked.status
        locked.status = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        _wish_change(actor=actor, wish=locked, old=old, note=note)
    return locked


def wish_claim(*, actor: User, wish: Wish, donor_name: str) -> Wish:
    donor_name = donor_name.strip()
    if not donor_name:
        raise ValidationError({"donor_name": [_("请填写认领的单位或个人")]})
    return _transition(
        actor=actor,
        wish=wish,
        target=Status.CLAIMED,
        note=donor_name,
        donor_name=donor_name[:100],
        claimed_at=timezone.now(),
    )


def wish_fulfil(
    *, actor: User, wish: Wish, evidence_note: str, evidence_file: UploadedFile | None = None
) -> Wish:
    evidence_note = evidence_note.strip()
    _raise_if(
        {
            "evidence_note": [] if evidence_note else [_("请填写心愿实现情况")],
            "evidence_file": photo_errors(evidence_file),
        }
    )
    with transaction.atomic():
        done = _transition(
            actor=actor,
            wish=wish,
            target=Status.FULFILLED,
            evidence_note=evidence_note,
            fulfilled_at=timezone.now(),
        )
        if evidence_file:
            done.evidence_file.save(evidence_file.name or "evidence", evidence_file)
    return done


def wish_cancel(*, actor: User, wish: Wish, note: str = "") -> Wish:
    return _transition(actor=actor, wish=wish, target=Status.CANCELLED, note=note.strip())
