"""Writes to people, executive seats, concurrent posts, teams and duty rotations.

Callers check access first (people.selectors.*_get_for_user with for_write=True, and
orgs.selectors.org_get_for_user for every org involved). These functions enforce the records'
own rules, raise ValidationError in Chinese, and leave a PersonChange row (numbers masked) and an
audit row behind every change.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.common import crypto
from jinguo.orgs.codes import clean_text
from jinguo.orgs.models import OrgUnit
from jinguo.people.ages import is_under_age
from jinguo.people.idcard import IdCardError, normalize_id, parse_id
from jinguo.people.masking import birth_shown, mask_id, mask_phone
from jinguo.people.models import (
    ConcurrentPost,
    DutyRotation,
    ExecutiveSeat,
    Person,
    PersonChange,
    Team,
    TeamMembership,
)
from jinguo.people.names import pinyin_initials
from jinguo.people.phones import PhoneError, parse_phone
from jinguo.people.policy import may_unmask
from jinguo.people.reasons import stated_reason
from jinguo.people.selectors import whole_id_searched

_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff·])\s+|\s+(?=[\u3400-\u9fff·])")


# --- history ------------------------------------------------------------------------------------


def person_snapshot(person: Person) -> dict[str, Any]:
    """What history and the audit log keep of a person: numbers masked, never whole (the
    birth date is encrypted when _record writes it)."""
    return {
        "org": person.org_id,
        "name": person.name,
        "gender": person.gender,
        "id_number": mask_id(person.id_number),
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "phone": mask_phone(person.phone),
        "education": person.education,
        "party_member": person.party_member,
    }


def _sealed(key: str, value: Any) -> Any:
    """History and the audit log keep a birth date encrypted (a minor's is sensitive); it is
    compared in clear first, since each encryption of the same date differs."""
    if key == "birth_date" and value:
        return crypto.encrypt(value)
    return value


def _record(
    *,
    person: Person,
    actor: User | None,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
    target: Any = None,
) -> None:
    keys = sorted(set(old) | set(new))
    changes = {
        k: [_sealed(k, old.get(k)), _sealed(k, new.get(k))]
        for k in keys
        if old.get(k) != new.get(k)
    }
    old = {k: _sealed(k, v) for k, v in old.items()}
    new = {k: _sealed(k, v) for k, v in new.items()}
    PersonChange.objects.create(
        person=person, actor=actor, action=action, old=old, new=new, note=note[:200]
    )
    audit_record(actor=actor, action=action, target=target or person, changes=changes, note=note)


def _today() -> dt.date:
    return timezone.localdate()


def _fmt(day: dt.date) -> str:
    return day.isoformat()


# --- persons ------------------------------------------------------------------------------------


def normalize_name(value: object) -> str:
    """The name as typed (full-width letters and punctuation kept), but spaces around Chinese
    characters dropped (王 小红 → 王小红) and other runs of spaces collapsed."""
    text = " ".join(clean_text(value).split())
    return _CJK_SPACES.sub("", text)


def _identity_fields(id_number: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    if not normalize_id(id_number):
        return {"id_number": "", "id_hash": "", "id_tail": "", "birth_date": None, "_gender": ""}
    try:
        card = parse_id(id_number)
    except IdCardError as exc:
        errors["id_number"] = [str(exc)]
        return {}
    return {
        "id_number": card.number,
        "id_hash": crypto.blind_index(card.number),
        "id_tail": card.number[-4:],
        "birth_date": card.birth_date,
        "_gender": card.gender,
    }


def _phone_fields(phone: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    try:
        number = parse_phone(phone)
    except PhoneError as exc:
        errors["phone"] = [str(exc)]
        return {}
    return {"phone": number, "phone_tail": number[-4:]}


def person_clean(
    *,
    name: str,
    gender: str = "",
    id_number: str = "",
    phone: str = "",
    education: str = "",
    party_member: bool = False,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    """The stored field values for this input (ID parsed, birth date and — when not given —
    gender derived, hashes and tails), or ValidationError with every field's problem."""
    errors: dict[str, list[str]] = {}
    name = normalize_name(name)
    if not name:
        errors["name"] = [_("请填写姓名")]
    elif len(name) > 50:
        errors["name"] = [_("姓名不能超过50个字")]
    if gender not in Person.Gender.values and gender != "":
        errors["gender"] = [_("性别只能是“女”或“男”")]
    if education not in Person.Education.values:
        errors["education"] = [_("未知的文化程度")]
    values = {**_identity_fields(id_number, errors), **_phone_fields(phone, errors)}
    if errors:
        raise ValidationError(errors)
    derived_gender = values.pop("_gender")
    if values["id_hash"]:
        clash = Person.objects.filter(id_hash=values["id_hash"])
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            # Not naming the other person: the caller may not be allowed to see her.
            raise ValidationError({"id_number": [_("该身份证号已登记")]})
    return {
        **values,
        "name": name,
        "name_initials": pinyin_initials(name),
        "gender": gender or derived_gender,
        "education": education,
        "party_member": bool(party_member),
    }


def _save(person: Person) -> None:
    # The blind index is unique: a concurrent registration of the same number ends up here.
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationError({"id_number": [_("该身份证号已登记")]}) from None


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    org: OrgUnit,
    name: str,
    gender: str = "",
    id_number: str = "",
    phone: str = "",
    education: str = "",
    party_member: bool = False,
) -> Person:
    values = person_clean(
        name=name,
        gender=gender,
        id_number=id_number,
        phone=phone,
        education=education,
        party_member=party_member,
    )
    person = Person(org=org, **values)
    _save(person)
    _record(person=person, actor=actor, action="person.create", old={}, new=person_snapshot(person))
    return person


@transaction.atomic
def person_update(
    *,
    actor: User | None,
    person: Person,
    org: OrgUnit | None = None,
    name: str | None = None,
    gender: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    education: str | None = None,
    party_member: bool | None = None,
    note: str = "",
) -> Person:
    """Change the given fields; None leaves a field as it is ("" clears it)."""
    old = person_snapshot(person)
    values = person_clean(
        name=person.name if name is None else name,
        gender=person.gender if gender is None else gender,
        id_number=person.id_number if id_number is None else id_number,
        phone=person.phone if phone is None else phone,
        education=person.education if education is None else education,
        party_member=person.party_member if party_member is None else party_member,
        exclude_pk=person.pk,
    )
    if org is not None:
        values["org_id"] = org.pk
    if all(getattr(person, field) == value for field, value in values.items()):
        return person
    for field, value in values.items():
        setattr(person, field, value)
    _save(person)
    new = person_snapshot(person)
    _record(person=person, actor=actor, action="person.update", old=old, new=new, note=note)
    return person


def person_unmask(*, actor: User, person: Person, purpose: str, reason: str) -> dict[str, Any]:
    """The whole ID and phone numbers of one person, and with them the whole birth date (the
    number holds it), for a stated purpose and explanation (people.reasons), audited.

    The caller has fetched `person` through person_get_for_user (scope)."""
    if not may_unmask(actor):
        raise PermissionDenied
    stated = stated_reason(purpose=purpose, reason=reason)
    audit_record(
        actor=actor,
        action="person.unmask",
        target=person,
        changes={"fields": ["id_number", "phone"], **stated.audit_changes()},
        note=stated.note,
    )
    return {
        "id_number": person.id_number,
        "phone": person.phone,
        "birth_date": birth_shown(person.birth_date, full_number=True),
    }


def person_search_record(*, actor: User, query: str, results: QuerySet[Person]) -> None:
    """A search by a whole ID number answers whether that number is someone's: guessed
    numbers tried one by one would rebuild a masked one (about 30 candidates per year of
    birth, issue 20). Each such search is audited, with the number masked."""
    number = whole_id_searched(query)
    if not number:
        return
    audit_record(
        actor=actor,
        action="person.search_id",
        changes={"found": results.exists()},
        note=mask_id(number),
    )


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
    _record(
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
    _record(
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
    _record(
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
    _record(
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
    _record(
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
    _record(
        person=person,
        actor=actor,
        action="rotation.create",
        old={},
        new=new,
        note=team.name,
        target=team,
    )
    return rotation
