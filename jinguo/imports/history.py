"""History written in bulk exactly as the services write it, one change at a time.

households.services and people.services leave, for every change, one change row (who, when,
action, old → new, note) and one audit row (same action, the changed fields as [old, new]). An
import makes the same changes for thousands of rows at once, so it collects the same rows here
and inserts them with executemany (imports.bulk); jinguo/imports/tests/test_history.py proves
the rows equal what the services write for the same change.
"""

from typing import Any

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.audit import context
from jinguo.audit.models import AuditEvent
from jinguo.common import crypto
from jinguo.households.models import Household, HouseholdChange
from jinguo.imports import bulk
from jinguo.people.models import Person, PersonChange

CHANGE_FIELDS = ("actor", "at", "action", "old", "new", "note")
AUDIT_FIELDS = (
    "actor",
    "actor_username",
    "at",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "ip",
    "user_agent",
    "changes",
    "note",
)


def _sealed(key: str, value: Any) -> Any:
    # As people.services: a birth date is kept encrypted in history and the audit log.
    if key == "birth_date" and value:
        return crypto.encrypt(value)
    return value


class History:
    """Change and audit rows of one import, all stamped with its actor and moment."""

    def __init__(self, *, actor: User, note: str) -> None:
        self.actor = actor
        self.at = bulk.datetime_param(timezone.now())  # as the database parameter
        self.note = note
        ctx = context.current()
        self._request = (ctx.ip, ctx.user_agent) if ctx else (None, "")
        self.households: list[tuple[Any, ...]] = []
        self.persons: list[tuple[Any, ...]] = []
        self.audit: list[tuple[Any, ...]] = []

    def _audit(
        self, action: str, target: tuple[str, int, str], changes: dict[str, Any], note: str
    ) -> None:
        target_type, pk, shown = target
        self.audit.append(
            (
                self.actor.pk,
                self.actor.username,
                self.at,
                action,
                target_type,
                str(pk),
                shown[:200],
                *self._request,
                bulk.json_param(changes),
                note[:500],
            )
        )

    def household(
        self,
        *,
        pk: int,
        number: str,
        action: str,
        old: dict[str, Any],
        new: dict[str, Any],
        note: str | None = None,
    ) -> None:
        """As households.history.record_change."""
        note = self.note if note is None else note
        self.households.append(
            (
                pk,
                self.actor.pk,
                self.at,
                action,
                bulk.json_param(old),
                bulk.json_param(new),
                note[:200],
            )
        )
        changes = {k: [old.get(k), new.get(k)] for k in {*old, *new} if old.get(k) != new.get(k)}
        target = (Household._meta.label_lower, pk, number)
        self._audit(f"household.{action}", target, changes, note)

    def person(
        self, *, pk: int, name: str, action: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        """As people.history.record_change: compared in clear, birth dates kept encrypted."""
        keys = sorted(set(old) | set(new))
        changes = {
            k: [_sealed(k, old.get(k)), _sealed(k, new.get(k))]
            for k in keys
            if old.get(k) != new.get(k)
        }
        sealed_old = {k: _sealed(k, v) for k, v in old.items()}
        sealed_new = {k: _sealed(k, v) for k, v in new.items()}
        self.persons.append(
            (
                pk,
                self.actor.pk,
                self.at,
                action,
                bulk.json_param(sealed_old),
                bulk.json_param(sealed_new),
                self.note[:200],
            )
        )
        self._audit(action, (Person._meta.label_lower, pk, name), changes, self.note)

    def write(self) -> None:
        bulk.insert(HouseholdChange, ("household", *CHANGE_FIELDS), self.households)
        bulk.insert(PersonChange, ("person", *CHANGE_FIELDS), self.persons)
        bulk.insert(AuditEvent, AUDIT_FIELDS, self.audit)
        self.households, self.persons, self.audit = [], [], []
