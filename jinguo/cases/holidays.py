"""The public-holiday calendar (节假日与调休) that case time limits count working days over.

It is system configuration, kept by the system administrator in the admin; every write goes
through these functions, which audit it with the values before and after (the audit row is the
calendar's history).
"""

from typing import Any

from django.db import transaction

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.cases.models import Holiday

FIELDS = ("date", "is_workday", "name")


def _values(holiday: Holiday) -> dict[str, str]:
    return {field: str(getattr(holiday, field)) for field in FIELDS}


def holiday_save(*, actor: User, holiday: Holiday) -> Holiday:
    """Create or change one calendar day (validated by the caller's form) and audit it."""
    with transaction.atomic():
        before = (
            _values(Holiday.objects.get(pk=holiday.pk)) if holiday.pk else dict.fromkeys(FIELDS)
        )
        created = holiday.pk is None
        holiday.save()
        after = _values(holiday)
        audit_record(
            actor=actor,
            action="holiday.create" if created else "holiday.update",
            target=holiday,
            changes={f: [before[f], after[f]] for f in FIELDS if created or before[f] != after[f]},
        )
    return holiday


def holiday_delete(*, actor: User, holiday: Holiday) -> None:
    """Remove a wrongly entered calendar day and audit it with what it said."""
    with transaction.atomic():
        values: dict[str, Any] = _values(holiday)
        audit_record(
            actor=actor,
            action="holiday.delete",
            target=holiday,
            changes={f: [values[f], None] for f in FIELDS},
        )
        holiday.delete()
