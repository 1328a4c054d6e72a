"""Persons in an import: matched by ID number (its blind index), created or updated in bulk.

Both rosters carry people; this module compares what a file says about them with what the
database holds, and writes only the differences, each with the history people.services leaves
(imports.history: person.create or person.update, numbers masked).
A blank cell never erases what is already known.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from pypinyin import Style
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
from pypinyin.style import convert as pinyin_convert

from jinguo.common import crypto
from jinguo.common.fields import decrypt_date, encrypt_date
from jinguo.imports import bulk, cells
from jinguo.imports.history import History
from jinguo.orgs.models import OrgUnit
from jinguo.people.idcard import IdCardError, parse_id
from jinguo.people.masking import mask_id, mask_phone
from jinguo.people.models import Person
from jinguo.people.names import pinyin_initials


@dataclass(slots=True)
class PersonIn:
    """What one row says about a person. None (or "" for phone) means the file does not say."""

    row: int
    id_number: str
    id_hash: str
    name: str
    gender: str
    birth_date: dt.date
    phone: str = ""
    education: str | None = None
    party_member: bool | None = None
    org_id: int = 0  # the organisation a new person belongs to


IdCardLike = Any  # people.idcard.IdCard: number, birth_date, gender


@dataclass(slots=True)
class PersonNow:
    pk: int
    name: str
    gender: str
    birth_date: dt.date | None  # decrypted (common.fields.EncryptedDateField)
    phone_token: str  # encrypted: decrypted only when a file's phone may differ
    phone_tail: str
    education: str
    party_member: bool
    org_path: str
    org_id: int

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_token)

    def phone_differs(self, phone: str) -> bool:
        return phone[-4:] != self.phone_tail or phone != self.phone


@dataclass
class PersonPlan:
    new: list[PersonIn] = field(default_factory=list)
    changed: list[tuple[PersonIn, PersonNow, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    unchanged: int = 0


def read(
    *, row: int, name: object, id_number: object, gender: object, birth_date: object
) -> tuple[str, "IdCardLike"]:
    """The name and parsed ID card of a row; CellError naming what is wrong. The 性别 and
    出生日期 columns, when filled, must agree with what the ID number says."""
    number = cells.id_number(id_number)
    if not number:
        raise cells.CellError(_("请填写身份证号"), key="id_number")
    try:
        card = parse_id(number)
    except IdCardError as exc:
        raise cells.CellError(str(exc), key="id_number") from None
    clean_name = cells.name(name)
    if not clean_name:
        raise cells.CellError(_("请填写姓名"), key="name")
    written_gender = cells.gender(gender)
    if written_gender and written_gender != card.gender:
        raise cells.CellError(
            _("性别与身份证号不符：身份证号显示为%(gender)s")
            % {"gender": _("女") if card.gender == "F" else _("男")},
            key="gender",
        )
    try:
        written_birth = cells.date(birth_date)
    except cells.CellError as exc:
        raise cells.CellError(str(exc), key="birth_date") from None
    if written_birth and written_birth != card.birth_date:
        raise cells.CellError(
            _("出生日期%(written)s与身份证号中的出生日期%(birth)s不符")
            % {"written": written_birth.isoformat(), "birth": card.birth_date.isoformat()},
            key="birth_date",
        )
    return clean_name, card


def load(hashes: Iterable[str]) -> dict[str, PersonNow]:
    """The persons already known by these ID numbers, keyed by blind index."""
    p, o = bulk.table(Person), bulk.table(OrgUnit)

    def c(field: str) -> str:
        return f"{p}.{bulk.column(Person, field)}"

    sql = (
        f"SELECT {c('id_hash')}, {c('id')}, {c('name')}, {c('gender')}, {c('birth_date')}, "  # noqa: S608
        f"{c('phone')}, {c('phone_tail')}, {c('education')}, {c('party_member')}, "
        f"{o}.{bulk.column(OrgUnit, 'path')}, {c('org')} FROM {p} INNER JOIN {o} "
        f"ON {o}.{bulk.column(OrgUnit, 'id')} = {c('org')} "
        # Stated as the partial unique index states it, so SQLite uses it (see bulk.ids_by).
        f"WHERE {c('id_hash')} IN ({{marks}}) AND NOT ({c('id_hash')} = '')"
    )
    found: dict[str, PersonNow] = {}
    for (
        id_hash,
        pk,
        name,
        gender,
        birth,
        phone,
        tail,
        education,
        party,
        path,
        org,
    ) in bulk.select_in(sql, hashes):
        found[id_hash] = PersonNow(
            pk, name, gender, decrypt_date(birth), phone, tail, education, bool(party), path, org
        )
    return found


def differences(person: PersonIn, now: PersonNow) -> tuple[dict[str, Any], dict[str, Any]]:
    """(old, new) of the fields the file changes, as history shows them (numbers masked)."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    if person.name != now.name:
        old["name"], new["name"] = now.name, person.name
    if person.gender != now.gender:
        old["gender"], new["gender"] = now.gender, person.gender
    if person.birth_date != now.birth_date:
        # Compared in clear, kept encrypted: the history must not hold a minor's birth date.
        old["birth_date"] = encrypt_date(now.birth_date)
        new["birth_date"] = encrypt_date(person.birth_date)
    if person.phone and now.phone_differs(person.phone):
        old["phone"], new["phone"] = mask_phone(now.phone), mask_phone(person.phone)
    if person.education is not None and person.education != now.education:
        old["education"], new["education"] = now.education, person.education
    if person.party_member is not None and person.party_member != now.party_member:
        old["party_member"], new["party_member"] = now.party_member, person.party_member
    return old, new


def plan(people: Iterable[PersonIn], known: dict[str, PersonNow]) -> PersonPlan:
    result = PersonPlan()
    for person in people:
        now = known.get(person.id_hash)
        if now is None:
            result.new.append(person)
            continue
        old, new = differences(person, now)
        if new:
            result.changed.append((person, now, old, new))
        else:
            result.unchanged += 1
    return result


_INSERT_FIELDS = (
    "org",
    "name",
    "name_initials",
    "gender",
    "id_number",
    "id_hash",
    "id_tail",
    "birth_date",
    "phone",
    "phone_tail",
    "education",
    "party_member",
    "created_at",
    "updated_at",
)
_UPDATE_FIELDS = (
    "name",
    "name_initials",
    "gender",
    "birth_date",
    "phone",
    "phone_tail",
    "education",
    "party_member",
    "updated_at",
)


def write(*, result: PersonPlan, history: History) -> dict[str, int]:
    """Insert the new persons and update the changed ones, each with the history
    people.services leaves (person.create, person.update); {blind index: pk} of every person
    written, for the rows that refer to them."""
    at = history.at
    ids = bulk.insert_keyed(
        Person,
        _INSERT_FIELDS,
        (_insert_row(p, at) for p in result.new),
        key="id_hash",
        keys=[p.id_hash for p in result.new],
    )
    bulk.update(
        Person, _UPDATE_FIELDS, (_update_row(p, now, at) for p, now, _o, _n in result.changed)
    )
    ids.update((p.id_hash, now.pk) for p, now, _o, _n in result.changed)
    for p in result.new:
        history.person(
            pk=ids[p.id_hash], name=p.name, action="person.create", old={}, new=created_view(p)
        )
    for p, now, _old, _new in result.changed:
        history.person(
            pk=now.pk,
            name=p.name,
            action="person.update",
            old=_snapshot_before(p, now),
            new=_snapshot_after(p, now),
        )
    return ids


def created_view(person: PersonIn) -> dict[str, Any]:
    """people.services.person_snapshot of the person as inserted (numbers masked; the birth
    date in clear here, encrypted by History as the services do)."""
    return {
        "org": person.org_id,
        "name": person.name,
        "gender": person.gender,
        "id_number": mask_id(person.id_number),
        "birth_date": person.birth_date.isoformat(),
        "phone": mask_phone(person.phone),
        "education": person.education or "",
        "party_member": bool(person.party_member),
    }


def _snapshot_before(person: PersonIn, now: PersonNow) -> dict[str, Any]:
    return {
        "org": now.org_id,
        "name": now.name,
        "gender": now.gender,
        "id_number": mask_id(person.id_number),  # the same number: matched by it
        "birth_date": now.birth_date.isoformat() if now.birth_date else None,
        "phone": mask_phone(now.phone),
        "education": now.education,
        "party_member": now.party_member,
    }


def _snapshot_after(person: PersonIn, now: PersonNow) -> dict[str, Any]:
    """What _update_row leaves: a blank cell keeps what is known."""
    return {
        **_snapshot_before(person, now),
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "phone": mask_phone(person.phone) if person.phone else mask_phone(now.phone),
        "education": now.education if person.education is None else person.education,
        "party_member": now.party_member if person.party_member is None else person.party_member,
    }


def _insert_row(person: PersonIn, at: Any) -> tuple[Any, ...]:
    return (
        person.org_id,
        person.name,
        initials(person.name),
        person.gender,
        crypto.encrypt(person.id_number),
        person.id_hash,
        person.id_number[-4:],
        encrypt_date(person.birth_date),
        crypto.encrypt(person.phone),
        person.phone[-4:],
        person.education or "",
        bool(person.party_member),
        at,
        at,
    )


def _update_row(person: PersonIn, now: PersonNow, at: Any) -> tuple[Any, ...]:
    if person.phone:
        token, tail = crypto.encrypt(person.phone), person.phone[-4:]
    else:  # the file does not say: keep the stored ciphertext as it is
        token, tail = now.phone_token, now.phone_tail
    return (
        person.name,
        initials(person.name),
        person.gender,
        encrypt_date(person.birth_date),  # a new nonce: the stored text changes, the date not
        token,
        tail,
        now.education if person.education is None else person.education,
        now.party_member if person.party_member is None else person.party_member,
        at,
        now.pk,
    )


# ---------------------------------------------------------------------------------------------
# Pinyin initials, fast. people.names.pinyin_initials runs pypinyin on the whole name (≈30 µs, far
# more for a name with a polyphonic character). pypinyin reads a run of Chinese characters by
# phrases from its phrase dictionary and every other character by its first reading; a name
# containing no phrase of that dictionary is therefore spelt by each character's first reading,
# which this looks up directly (≈3 µs). Names with a phrase, or a character pypinyin does not
# know, go through pinyin_initials itself. jinguo/imports/tests prove both give the same result.

_LONGEST_PHRASE = max(len(phrase) for phrase in PHRASES_DICT)


@lru_cache(maxsize=30_000)
def _char_initial(char: str) -> str | None:
    readings = PINYIN_DICT.get(ord(char))
    if not readings:
        return None
    first = pinyin_convert(readings.split(",")[0], Style.FIRST_LETTER, strict=True) or ""
    return first[:1].lower() or None


def _has_phrase(name: str) -> bool:
    size = len(name)
    for start in range(size - 1):
        for end in range(start + 2, min(size, start + _LONGEST_PHRASE) + 1):
            if name[start:end] in PHRASES_DICT:
                return True
    return False


@lru_cache(maxsize=4096)
def _slow_initials(name: str) -> str:
    return pinyin_initials(name)


def initials(name: str) -> str:
    letters = []
    for char in name:
        letter = _char_initial(char)
        if letter is None:
            return _slow_initials(name)
        letters.append(letter)
    if _has_phrase(name):
        return _slow_initials(name)
    return "".join(letters)[:20]
