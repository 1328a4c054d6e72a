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
from jinguo.audit.history import diff
from jinguo.audit.models import AuditEvent
from jinguo.common.models import NOTE_LENGTH
from jinguo.households.models import Household, HouseholdChange
from jinguo.imports import bulk
from jinguo.people.history import sealed_change
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

    def _change(
        self, owner_id: int, action: str, old: dict[str, Any], new: dict[str, Any], note: str
    ) -> tuple[Any, ...]:
        """The values of the change row audit.history.change_row makes (a ChangeRow of the
        owner, by this actor, with this diff), in ("owner", *CHANGE_FIELDS) order, built
        without a model instance: an import makes hundreds of thousands."""
        return (
            owner_id,
            self.actor.pk,
            self.at,
            action,
            bulk.json_param(old or {}),
            bulk.json_param(new or {}),
            note[:NOTE_LENGTH],
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
        self.households.append(self._change(pk, action, old, new, note))
        target = (Household._meta.label_lower, pk, number)
        self._audit(f"household.{action}", target, diff(old, new), note)

    def person(
        self, *, pk: int, name: str, action: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        """As people.history.record_change: compared in clear, birth dates kept encrypted."""
        sealed_old, sealed_new, changes = sealed_change(old, new)
        self.persons.append(self._change(pk, action, sealed_old, sealed_new, self.note))
        self._audit(action, (Person._meta.label_lower, pk, name), changes, self.note)

    def write(self) -> None:
        bulk.insert(HouseholdChange, ("household", *CHANGE_FIELDS), self.households)
        bulk.insert(PersonChange, ("person", *CHANGE_FIELDS), self.persons)
        bulk.insert(AuditEvent, AUDIT_FIELDS, self.audit)
        self.households, self.persons, self.audit = [], [], []
