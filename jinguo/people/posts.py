"""Writes to the posts people hold: executive seats, concurrent posts (双向任职), teams and
duty rotations.

Callers check access first, as for people.services. These functions enforce the records' own
rules, raise ValidationError in Chinese, and leave a PersonChange row and an audit row behind
every change (people.history).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.orgs.codes import clean_text
from jinguo.orgs.models import OrgUnit
from jinguo.people.ages import is_under_age
from jinguo.people.history import record_change
from jinguo.people.models import (
    ConcurrentPost,
    DutyRotation,
    ExecutiveSeat,
    Person,
    Team,
    TeamMembership,
)


def _today() -> dt.date:
    return timezone.localdate()


def _fmt(day: dt.date) -> str:
    return day.isoformat()


# --- executive seats ----------------------------------------------------------------------------


def seat_snapshot(seat: ExecutiveSeat) -> dict[str, Any]:
    return {
        "seat": seat.pk,
        "org": seat.org_id,
        "post": seat.post,
        "full_time": seat.full_time,
        "term_start": _fmt(seat.term_start),
        "term_end": _fmt(seat.term_end) if seat.term_end else None,
        "ended_on": _fmt(seat.ended_on) if seat.ended_on else None,
    }


def _seat_errors(
    *, person: Person, org: OrgUnit, post: str, term_start: dt.date, term_end: dt.date | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if post not in ExecutiveSeat.Post.values:
        errors["post"] = [_("未知的职务")]
    if term_end is not None and term_end < term_start:
        errors["term_end"] = [_("任期结束日期不能早于开始日期")]
    if is_under_age(person.birth_date, term_start):
        errors["person"] = [_("未满18周岁的人不能担任执委")]
        return errors
    open_seats = ExecutiveSeat.objects.filter(org=org, ended_on__isnull=True)
    if open_seats.filter(person=person).exists():
        errors["person"] = [
            _("%(name)s已在%(org)s任职，请先办理离任") % {"name": person.name, "org": org.name}
        ]
    elif post == ExecutiveSeat.Post.CHAIR and open_seats.filter(post=post).exists():
        errors["post"] = [_("%(org)s已有在任主席") % {"org": org.name}]
    return errors


@transaction.atomic
def seat_create(
    *,
    actor: User | None,
    person: Person,
    org: OrgUnit,
    post: str,
    full_time: bool,
    term_start: dt.date,
    term_end: dt.date | None = None,
) -> ExecutiveSeat:
    errors = _seat_errors(
        person=person, org=org, post=post, term_start=term_start, term_end=term_end
    )
    if errors:
        raise ValidationError(errors)
    seat = ExecutiveSeat.objects.create(
        person=person,
        org=org,
        post=post,
        full_time=full_time,
        term_start=term_start,
        term_end=term_end,
    )
    record_change(
        person=person,
        actor=actor,
        action="seat.create",
        old={},
        new=seat_snapshot(seat),
        target=seat,
    )
    return seat


def _end_date_errors(*, field: str, day: dt.date, start: dt.date) -> dict[str, list[str]]:
    if day < start:
        return {field: [_("结束日期不能早于开始日期%(d)s") % {"d": _fmt(start)}]}
    if day > _today():
        return {field: [_("结束日期不能晚于今天")]}
    return {}


@transaction.atomic
def seat_end(
    *, actor: User | None, seat: ExecutiveSeat, ended_on: dt.date, reason: str
) -> ExecutiveSeat:
    """离任: the seat stays, with its end date and reason, as the committee's history."""
    if seat.ended_on is not None:
        raise ValidationError({"ended_on": [_("该职务已于%(d)s离任") % {"d": _fmt(seat.ended_on)}]})
    errors = _end_date_errors(field="ended_on", day=ended_on, start=seat.term_start)
    reason = clean_text(reason)
    if not reason:
        errors["reason"] = [_("请填写离任原因")]
    if errors:
        raise ValidationError(errors)
    old = seat_snapshot(seat)
    seat.ended_on, seat.ended_reason = ended_on, reason[:200]
    seat.save(update_fields=["ended_on", "ended_reason"])
    record_change(
        person=seat.person,
        actor=actor,
        action="seat.end",
        old=old,
        new=seat_snapshot(seat),
        note=reason,
        target=seat,
    )
    return seat


# --- concurrent posts (双向任职) -----------------------------------------------------------------


def _post_snapshot(post: ConcurrentPost) -> dict[str, Any]:
    return {
        "concurrent_post": post.pk,
        "kind": post.kind,
        "org": post.org_id,
        "start_date": _fmt(post.start_date),
        "end_date": _fmt(post.end_date) if post.end_date else None,
    }


@transaction.atomic
def concurrent_post_add(
    *, actor: User | None, person: Person, kind: str, org: OrgUnit, start_date: dt.date
) -> ConcurrentPost:
    if kind not in ConcurrentPost.Kind.values:
        raise ValidationError({"kind": [_("未知的兼任职务")]})
    if person.concurrent_posts.filter(kind=kind, org=org, end_date__isnull=True).exists():
        label = ConcurrentPost.Kind(kind).label
        raise ValidationError(
            {"kind": [_("已在%(org)s担任%(kind)s") % {"org": org.name, "kind": label}]}
        )
    post = ConcurrentPost.objects.create(person=person, kind=kind, org=org, start_date=start_date)
    record_change(
        person=person,
        actor=actor,
        action="concurrent_post.add",
        old={},
        new=_post_snapshot(post),
        target=post,
    )
    return post


def _end_dated_row(
    *,
    row: ConcurrentPost | TeamMembership,
    end_date: dt.date,
    already_ended: str,
    snapshot: Callable[[Any], dict[str, Any]],
    actor: User | None,
    action: str,
    target: Any,
    note: str = "",
) -> None:
    """Close a dated row (a concurrent post, a team membership) and record old → new."""
    if row.end_date is not None:
        raise ValidationError({"end_date": [already_ended]})
    errors = _end_date_errors(field="end_date", day=end_date, start=row.start_date)
    if errors:
        raise ValidationError(errors)
    old = snapshot(row)
    row.end_date = end_date
    row.save(update_fields=["end_date"])
    record_change(
        person=row.person,
        actor=actor,
        action=action,
        old=old,
        new=snapshot(row),
        note=note,
        target=target,
    )


@transaction.atomic
def concurrent_post_end(
    *, actor: User | None, post: ConcurrentPost, end_date: dt.date
) -> ConcurrentPost:
    _end_dated_row(
        row=post,
        end_date=end_date,
        already_ended=_("该兼任职务已结束"),
        snapshot=_post_snapshot,
        actor=actor,
        action="concurrent_post.end",
        target=post,
    )
    return post


# --- teams and duty rotation --------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor: User | None, org: OrgUnit, name: str, project: str = "") -> Team:
    name, project = clean_text(name), clean_text(project)
    if not name:
        raise ValidationError({"name": [_("请填写团队名称")]})
    if Team.objects.filter(org=org, name=name).exists():
        raise ValidationError({"name": [_("%(org)s已有同名团队") % {"org": org.name}]})
    team = Team.objects.create(org=org, name=name[:100], project=project[:200])
    audit_record(
        actor=actor,
        action="team.create",
        target=team,
        changes={"org": [None, org.pk], "name": [None, team.name], "project": [None, project]},
    )
    return team


def _membership_snapshot(membership: TeamMembership) -> dict[str, Any]:
    return {
        "team": membership.team_id,
        "is_leader": membership.is_leader,
        "start_date": _fmt(membership.start_date),
        "end_date": _fmt(membership.end_date) if membership.end_date else None,
    }


@transaction.atomic
def team_member_add(
    *,
    actor: User | None,
    team: Team,
    person: Person,
    start_date: dt.date,
    is_leader: bool = False,
) -> TeamMembership:
    if team.memberships.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError({"person": [_("%(name)s已是该团队成员") % {"name": person.name}]})
    if not person.seats.filter(ended_on__isnull=True).exists():
        raise ValidationError({"person": [_("只有在任执委可以加入团队")]})
    membership = TeamMembership.objects.create(
        team=team, person=person, start_date=start_date, is_leader=is_leader
    )
    record_change(
        person=person,
        actor=actor,
        action="team.member_add",
        old={},
        new=_membership_snapshot(membership),
        note=team.name,
        target=team,
    )
    return membership


@transaction.atomic
def team_member_end(
    *, actor: User | None, membership: TeamMembership, end_date: dt.date
) -> TeamMembership:
    _end_dated_row(
        row=membership,
        end_date=end_date,
        already_ended=_("已退出该团队"),
        snapshot=_membership_snapshot,
        actor=actor,
        action="team.member_end",
        target=membership.team,
        note=membership.team.name,
    )
    return membership


def _rotation_errors(
    *, team: Team, person: Person, start_date: dt.date, end_date: dt.date
) -> dict[str, list[str]]:
    if end_date < start_date:
        return {"end_date": [_("结束日期不能早于开始日期")]}
    if not team.memberships.filter(person=person, end_date__isnull=True).exists():
        return {"person": [_("%(name)s不是该团队的在任成员") % {"name": person.name}]}
    clash = (
        team.rotations.filter(start_date__lte=end_date, end_date__gte=start_date)
        .select_related("person")
        .first()
    )
    if clash is not None:
        message = _("与已有轮值重叠：%(name)s %(start)s 至 %(end)s") % {
            "name": clash.person.name,
            "start": _fmt(clash.start_date),
            "end": _fmt(clash.end_date),
        }
        return {"start_date": [message]}
    return {}


@transaction.atomic
def rotation_create(
    *,
    actor: User | None,
    team: Team,
    person: Person,
    start_date: dt.date,
    end_date: dt.date,
    note: str = "",
) -> DutyRotation:
    """轮值: one member on duty for a period; a team's periods never overlap."""
    # Lock the team so two cadres adding rotations at once cannot both pass the overlap check.
    Team.objects.select_for_update().filter(pk=team.pk).first()
    errors = _rotation_errors(team=team, person=person, start_date=start_date, end_date=end_date)
    if errors:
        raise ValidationError(errors)
    rotation = DutyRotation.objects.create(
        team=team,
        person=person,
        start_date=start_date,
        end_date=end_date,
        note=clean_text(note)[:200],
    )
    new = {"team": team.pk, "start_date": _fmt(start_date), "end_date": _fmt(end_date)}
    record_change(
        person=person,
        actor=actor,
        action="rotation.create",
        old={},
        new=new,
        note=team.name,
        target=team,
    )
    return rotation
