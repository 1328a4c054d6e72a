"""Writes for volunteer teams: teams, memberships and service hours. Callers fetch the records
through the selectors' fetch-and-check functions first (404 out of scope, 403 for read-only
roles); these functions enforce the rules and raise ValidationError with Chinese messages."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.activities.models import Activity, ServiceHours, VolunteerMembership, VolunteerTeam
from jinguo.activities.selectors import may_write_membership
from jinguo.activities.services import _hidden_people, _raise_if
from jinguo.audit.services import audit_record
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.people.models import Person

Status = Activity.Status
MIN_HOURS, MAX_HOURS = Decimal("0.5"), Decimal("24")


# --- volunteer teams ----------------------------------------------------------------------------


def team_create(
    *, actor: User, org: OrgUnit, name: str, founded_on: dt.date | None = None
) -> VolunteerTeam:
    check_write_at(user=actor, org=org)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写队伍名称")]})
    with transaction.atomic():
        if VolunteerTeam.objects.filter(org=org, name=name).exists():
            raise ValidationError({"name": [_("本组织已有同名的志愿者服务队")]})
        team = VolunteerTeam.objects.create(
            org=org, name=name[:100], founded_on=founded_on or timezone.localdate()
        )
        audit_record(
            actor=actor, action="volunteer_team.create", target=team, changes={"name": [None, name]}
        )
    return team


def _require_membership_writer(actor: User, membership: VolunteerMembership) -> None:
    if not may_write_membership(user=actor, membership=membership):
        raise PermissionDenied


def membership_add(
    *, actor: User, team: VolunteerTeam, person: Person, joined_on: dt.date | None = None
) -> VolunteerMembership:
    """A person joins a team. The team row is locked: two cadres adding her at once cannot
    both succeed, and she never has two overlapping memberships of one team."""
    check_write_at(user=actor, org=team.org)
    joined_on = joined_on or timezone.localdate()
    if _hidden_people(actor, [person]):
        raise ValidationError({"person": [_("人员不存在")]})
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": [_("加入日期不能晚于今天")]})
    with transaction.atomic():
        locked = VolunteerTeam.objects.select_for_update().get(pk=team.pk)
        if not locked.is_active:
            raise ValidationError({"person": [_("该服务队已停用")]})
        overlapping = locked.memberships.filter(person=person).exclude(left_on__lt=joined_on)
        if overlapping.exists():
            raise ValidationError({"person": [_("%(name)s已是本队志愿者") % {"name": person.name}]})
        membership = VolunteerMembership.objects.create(
            team=locked, person=person, joined_on=joined_on
        )
        audit_record(
            actor=actor,
            action="volunteer.join",
            target=membership,
            changes={"team": [None, locked.name], "person": [None, person.pk]},
        )
    return membership


def membership_end(
    *, actor: User, membership: VolunteerMembership, left_on: dt.date | None = None
) -> VolunteerMembership:
    _require_membership_writer(actor, membership)
    left_on = left_on or timezone.localdate()
    with transaction.atomic():
        locked = VolunteerMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.left_on is not None:
            raise ValidationError({"left_on": [_("该志愿者已退出")]})
        if left_on < locked.joined_on:
            raise ValidationError({"left_on": [_("退出日期不能早于加入日期")]})
        locked.left_on = left_on
        locked.save(update_fields=["left_on"])
        audit_record(
            actor=actor,
            action="volunteer.leave",
            target=locked,
            changes={"left_on": [None, str(left_on)]},
        )
    return locked


def hours_record(
    *,
    actor: User,
    membership: VolunteerMembership,
    served_on: dt.date,
    hours: Decimal,
    activity: Activity | None = None,
    note: str = "",
) -> ServiceHours:
    """Service hours of a volunteer, recorded by a cadre of the team's unit or by the
    volunteer's own executive (callers fetch `membership` with membership_get_for_user, and
    `activity` with activity_get_for_user: both in the actor's scope)."""
    _require_membership_writer(actor, membership)
    errors: dict[str, list[str]] = {"hours": [], "served_on": [], "activity": []}
    if hours is None or not MIN_HOURS <= Decimal(hours) <= MAX_HOURS:
        errors["hours"].append(_("服务时长应在0.5到24小时之间"))
    if served_on > timezone.localdate():
        errors["served_on"].append(_("服务日期不能晚于今天"))
    elif served_on < membership.joined_on or (
        membership.left_on is not None and served_on > membership.left_on
    ):
        errors["served_on"].append(_("服务日期不在该志愿者的在队期间"))
    if activity is not None and activity.status == Status.CANCELLED:
        errors["activity"].append(_("该活动已取消"))
    _raise_if(errors)
    with transaction.atomic():
        row = ServiceHours.objects.create(
            membership=membership,
            activity=activity,
            served_on=served_on,
            hours=Decimal(hours).quantize(Decimal("0.1")),
            note=note.strip()[:200],
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="volunteer.hours",
            target=row,
            changes={"hours": [None, str(row.hours)], "served_on": [None, str(served_on)]},
        )
    return row
