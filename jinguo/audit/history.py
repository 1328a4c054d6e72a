"""One way to write history: a change row (common.models: StatusChange or ChangeRow) and its
audit row, together. Every app's service records its changes through record_change; the
roster importer, which inserts thousands at once, builds the values change_row would give (as
tuples, with diff for the audit rows) and inserts them in bulk (imports.history)."""

from typing import Any, TypeVar

from django.db import models

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.common.models import NOTE_LENGTH, ChangeRow, HistoryRow, StatusChange

Row = TypeVar("Row", bound=HistoryRow)


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """The audit payload of a field diff: each key whose value differs, as [old, new]."""
    keys = sorted({*old, *new})
    return {k: [old.get(k), new.get(k)] for k in keys if old.get(k) != new.get(k)}


def _link(model: type[HistoryRow], target: models.Model) -> str:
    """The name of `model`'s link to a record of `target`'s kind."""
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        if field.many_to_one and isinstance(related, type) and isinstance(target, related):
            return field.name
    raise TypeError(f"{model.__name__} has no link to {type(target).__name__}")


def change_row(
    model: type[Row],
    *,
    target: models.Model,
    actor: User | None,
    action: str = "",
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    links: dict[str, models.Model | None] | None = None,
) -> Row:
    """The unsaved change row of `target` (linked through the model's link to its kind, and
    `links` besides): a status transition or a field diff, as the model's shape has it."""
    values: dict[str, Any] = {
        _link(model, target): target,
        **(links or {}),
        "actor": actor,
        "action": action,
        "note": note[:NOTE_LENGTH],
    }
    if issubclass(model, StatusChange):
        values.update(from_status=from_status, to_status=to_status)
    elif issubclass(model, ChangeRow):
        values.update(old=old or {}, new=new or {})
    return model(**values)


def audit_changes(row: HistoryRow) -> dict[str, Any]:
    """What the audit row says changed, by default: the status, or the fields that differ."""
    if isinstance(row, StatusChange):
        return {"status": [row.from_status, row.to_status]}
    if isinstance(row, ChangeRow):
        return diff(row.old, row.new)
    return {}


def record_change(
    model: type[Row],
    *,
    target: models.Model,
    actor: User | None,
    action: str,
    audit_action: str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    audit_target: models.Model | None = None,
    audit_note: str | None = None,
    links: dict[str, models.Model | None] | None = None,
) -> Row:
    """Write one change row of `target` and its audit row (`audit_action`, on `audit_target`
    or else `target`, with `changes` or else audit_changes of the row, and `audit_note` or
    else `note`)."""
    row = change_row(
        model,
        target=target,
        actor=actor,
        action=action,
        note=note,
        from_status=from_status,
        to_status=to_status,
        old=old,
        new=new,
        links=links,
    )
    row.save()
    audit_record(
        actor=actor,
        action=audit_action,
        target=audit_target if audit_target is not None else target,
        changes=audit_changes(row) if changes is None else changes,
        note=note if audit_note is None else audit_note,
    )
    return row
