"""The history of a person: each change leaves a PersonChange row (numbers masked, the birth
date encrypted) and its audit row (people.services, people.posts)."""

from typing import Any

from jinguo.accounts.models import User
from jinguo.audit import history
from jinguo.common import crypto
from jinguo.people.masking import mask_id, mask_phone
from jinguo.people.models import Person, PersonChange


def person_snapshot(person: Person) -> dict[str, Any]:
    """What history and the audit log keep of a person: numbers masked, never whole (the
    birth date is encrypted when record_change writes it)."""
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


def sealed_change(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[Any]]]:
    """Old and new as history keeps them, and the audit payload (the fields that differ, as
    [old, new]): birth dates compared in clear, then encrypted."""
    changes = {
        k: [_sealed(k, pair[0]), _sealed(k, pair[1])] for k, pair in history.diff(old, new).items()
    }
    sealed_old = {k: _sealed(k, v) for k, v in old.items()}
    sealed_new = {k: _sealed(k, v) for k, v in new.items()}
    return sealed_old, sealed_new, changes


def record_change(
    *,
    person: Person,
    actor: User | None,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    note: str = "",
    target: Any = None,
) -> None:
    sealed_old, sealed_new, changes = sealed_change(old, new)
    history.record_change(
        PersonChange,
        target=person,
        actor=actor,
        action=action,
        audit_action=action,
        note=note,
        old=sealed_old,
        new=sealed_new,
        changes=changes,
        audit_target=target or person,
    )
