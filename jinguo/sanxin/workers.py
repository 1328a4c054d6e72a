"""Writes to the 三新 worker base (工作者库): who works at a registered organisation, from when
until when. Callers fetch every record through the selectors' fetch-and-check functions first;
a history row and an audit row stay behind every change."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.orgs.codes import clean_text
from jinguo.orgs.selectors import check_write_at
from jinguo.people.models import Person
from jinguo.people.services import person_create
from jinguo.sanxin.models import SanxinOrg, SanxinWorker
from jinguo.sanxin.services import Action, _iso, _raise_if, _record, _today

# --- the worker base (工作者库) ----------------------------------------------------------------


def _worker_snapshot(worker: SanxinWorker) -> dict[str, Any]:
    return {
        "person": worker.person_id,
        "position": worker.position,
        "joined_on": _iso(worker.joined_on),
        "left_on": _iso(worker.left_on),
    }


@transaction.atomic
def sanxin_worker_add(
    *,
    actor: User | None,
    sanxin_org: SanxinOrg,
    joined_on: dt.date,
    person: Person | None = None,
    new_person: dict[str, Any] | None = None,
    position: str = "",
) -> SanxinWorker:
    """Put a person in the organisation's worker base: an existing one (the caller fetched her
    through the people selectors, so she is in scope) or a new one, registered here through
    people.services.person_create (which checks the ID number) at the organisation's unit."""
    check_write_at(user=actor, org=sanxin_org.org)
    locked = SanxinOrg.objects.select_for_update().get(pk=sanxin_org.pk)
    errors: dict[str, list[str]] = {}
    if (person is None) == (not new_person):
        errors["person"] = [_("请选择已登记的人员，或填写新人员的姓名")]
    if joined_on is None:
        errors["joined_on"] = [_("请填写入职日期")]
    elif joined_on > _today():
        errors["joined_on"] = [_("入职日期不能晚于今天")]
    if not locked.is_active:
        errors["person"] = [_("该组织已注销")]
    _raise_if(errors)
    if person is None:
        person = person_create(actor=actor, org=locked.org, **(new_person or {}))
    elif SanxinWorker.objects.filter(
        sanxin_org=locked, person=person, left_on__isnull=True
    ).exists():
        raise ValidationError(
            {"person": [_("%(name)s已在该组织工作者库中") % {"name": person.name}]}
        )
    worker = SanxinWorker.objects.create(
        sanxin_org=locked,
        person=person,
        position=clean_text(position)[:50],
        joined_on=joined_on,
    )
    _record(
        sanxin_org=locked,
        actor=actor,
        action=Action.WORKER_ADD,
        old={},
        new=_worker_snapshot(worker),
        note=person.name,
        target=worker,
    )
    return worker


@transaction.atomic
def sanxin_worker_leave(
    *, actor: User | None, worker: SanxinWorker, left_on: dt.date
) -> SanxinWorker:
    check_write_at(user=actor, org=worker.sanxin_org.org)
    locked = SanxinWorker.objects.select_for_update().select_related("person").get(pk=worker.pk)
    if locked.left_on is not None:
        raise ValidationError({"left_on": [_("该人员已离开")]})
    if left_on is None:
        raise ValidationError({"left_on": [_("请填写离开日期")]})
    if left_on < locked.joined_on:
        raise ValidationError({"left_on": [_("离开日期不能早于入职日期")]})
    if left_on > _today():
        raise ValidationError({"left_on": [_("离开日期不能晚于今天")]})
    old = _worker_snapshot(locked)
    locked.left_on = left_on
    locked.save(update_fields=["left_on"])
    _record(
        sanxin_org=locked.sanxin_org,
        actor=actor,
        action=Action.WORKER_LEAVE,
        old=old,
        new=_worker_snapshot(locked),
        note=locked.person.name,
        target=locked,
    )
    return locked
