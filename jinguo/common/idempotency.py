"""Records made on a phone carry a client_id (crypto.randomUUID, made before the first try), so
that a record sent twice (the answer to the first try was lost on a weak network) is stored
once. The services look for it before they create, and the unique column catches two tries that
arrive at the same moment."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def made_before(
    model: type[M], *, client_id: uuid.UUID | None, actor: models.Model | None, by: str
) -> M | None:
    """The record stored earlier with this client_id, if any. It must be `actor`'s own (`by`
    names the field of its author): another user's id is refused, never answered with it."""
    if client_id is None:
        return None
    found = model._default_manager.filter(client_id=client_id).first()
    if found is None:
        return None
    if actor is None or getattr(found, f"{by}_id") != actor.pk:
        raise ValidationError(_("这条记录的编号已被他人使用，未保存。"))
    return found


def once(
    model: type[M],
    *,
    client_id: uuid.UUID | None,
    actor: models.Model | None,
    by: str,
    create: Callable[[], M],
) -> M:
    """`create()` unless the record was stored before; a concurrent twin that wins the unique
    column is answered with the twin."""
    if (found := made_before(model, client_id=client_id, actor=actor, by=by)) is not None:
        return found
    try:
        return create()
    except IntegrityError:
        twin = made_before(model, client_id=client_id, actor=actor, by=by)
        if twin is None:
            raise
        return twin
