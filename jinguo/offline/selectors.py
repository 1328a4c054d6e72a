"""Reads for the phone: the least a volunteer needs about her households to visit them without a
network, and the records a resent item made before.

What the phone keeps (README, personal data): a household's number, its head's name (a minor's
masked), its address, its categories that are not sensitive, and when its next visit is due.
Never an ID number, a phone number, a birth date or a sensitive category."""

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Case
from jinguo.common.idempotency import made_before
from jinguo.households import masking
from jinguo.households.ledger import my_households
from jinguo.households.models import held_categories
from jinguo.visits.models import Visit, Wish

# A grid's households fit well under this; a leader's whole county is not what a phone holds.
SNAPSHOT_LIMIT = 1_000

# kind of an outbox item → (model, its author's field)
KINDS: dict[str, tuple[type[models.Model], str]] = {
    "visit": (Visit, "visited_by"),
    "wish": (Wish, "collected_by"),
    "case": (Case, "reported_by"),
}


def offline_households(*, user: User) -> list[dict[str, Any]]:
    """Her households (households.ledger.my_households: her 包保 and, for a grid member, her
    grid's), with the fields the phone keeps and nothing else."""
    rows = list(
        my_households(user=user)
        .select_related(None)
        .prefetch_related(None)
        .values(
            "pk",
            "number",
            "head__name",
            "head__birth_date",
            "address",
            "living_address",
            "visit_due_on",
        )[:SNAPSHOT_LIMIT]
    )
    categories = held_categories(row["pk"] for row in rows)
    today = timezone.localdate()
    return [
        {
            "id": row["pk"],
            "number": row["number"],
            "head": _head_name(row["head__name"], row["head__birth_date"], today),
            "address": row["living_address"] or row["address"],
            "categories": [c.name for c in categories.get(row["pk"], []) if not c.sensitive],
            "due": row["visit_due_on"].isoformat() if row["visit_due_on"] else None,
        }
        for row in rows
    ]


def _head_name(name: str | None, birth_date: Any, today: Any) -> str:
    if not name:
        return ""
    return masking.mask_name(name) if masking.is_minor(birth_date, today) else name


def item_made_before(*, user: User, kind: str, client_id: uuid.UUID) -> models.Model | None:
    """The record `user` stored before with this client_id (ValidationError: another user's)."""
    model, by = KINDS[kind]
    return made_before(model, client_id=client_id, actor=user, by=by)
