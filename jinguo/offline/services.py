"""Stores one item of a phone's outbox (a visit, a wish or a case report made without a
network) through the services of its app, keyed by the client_id the phone made."""

import uuid
from typing import Any

from django.db import models

from jinguo.accounts.models import User
from jinguo.cases.services import case_report
from jinguo.households.models import Household
from jinguo.visits.services import visit_log, wish_collect


def item_store(
    *, actor: User, kind: str, household: Household, client_id: uuid.UUID, fields: dict[str, Any]
) -> models.Model:
    """The record made from the item (the services enforce their rules and raise
    ValidationError or PermissionDenied); the one stored before when the client_id was seen."""
    if kind == "visit":
        return visit_log(actor=actor, household=household, client_id=client_id, **fields)
    if kind == "wish":
        return wish_collect(actor=actor, household=household, client_id=client_id, **fields)
    return case_report(
        actor=actor,
        org=household.grid,
        household=household,
        source="staff",
        client_id=client_id,
        **fields,
    )
