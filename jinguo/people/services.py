"""Writes to people (their seats, posts, teams and duty rotations: people.posts).

Callers check access first (people.selectors.*_get_for_user with for_write=True, and
orgs.selectors.org_get_for_user for every org involved). These functions enforce the records'
own rules, raise ValidationError in Chinese, and leave a PersonChange row (numbers masked) and an
audit row behind every change.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.common import crypto
from jinguo.orgs.codes import clean_text
from jinguo.orgs.models import OrgUnit
from jinguo.people.history import person_snapshot, record_change
from jinguo.people.idcard import IdCardError, normalize_id, parse_id
from jinguo.people.masking import birth_shown, mask_id
from jinguo.people.models import Person
from jinguo.people.names import pinyin_initials
from jinguo.people.phones import PhoneError, parse_phone
from jinguo.people.policy import may_unmask
from jinguo.people.reasons import stated_reason
from jinguo.people.selectors import whole_id_searched

_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff·])\s+|\s+(?=[\u3400-\u9fff·])")


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
    record_change(
        person=person, actor=actor, action="person.create", old={}, new=person_snapshot(person)
    )
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
    record_change(person=person, actor=actor, action="person.update", old=old, new=new, note=note)
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
