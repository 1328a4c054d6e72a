"""Writes of the love bank: its items, restocking, redemptions and handing them over.

A redemption locks the person's PointAccount row, then the item row (services.py's order).
"""

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.audit.services import audit_record
from jinguo.common.uploads import photo_errors
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.points.models import (
    Kind,
    LoveBankItem,
    LoveBankItemChange,
    PointEntry,
    Redemption,
)
from jinguo.points.services import (
    _balance,
    _check_cadre,
    _lock_accounts,
)

VOUCHER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
VOUCHER_LENGTH = 10


# --- love bank ------------------------------------------------------------------------------------


def _item_values(item: LoveBankItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "price": item.price,
        "stock": item.stock,
        "is_active": item.is_active,
    }


def lovebank_item_save(
    *,
    actor: User,
    org: OrgUnit,
    name: str,
    price: int,
    stock: int = 0,
    is_active: bool = True,
    photo: Any = None,
    item: LoveBankItem | None = None,
) -> LoveBankItem:
    _check_cadre(actor, item.org if item else org)
    if not name.strip():
        raise ValidationError({"name": [_("请填写物品名称")]})
    if price < 1:
        raise ValidationError({"price": [_("兑换积分至少为1")]})
    if stock < 0:
        raise ValidationError({"stock": [_("库存不能为负数")]})
    if errors := photo_errors(photo):
        raise ValidationError({"photo": errors})
    with transaction.atomic():
        if item is not None:
            item = LoveBankItem.objects.select_for_update().get(pk=item.pk)
        old = _item_values(item) if item else {}
        item = item or LoveBankItem(org=org)
        item.name, item.price, item.stock, item.is_active = name.strip(), price, stock, is_active
        if photo:
            item.photo = photo
        item.save()
        new = _item_values(item)
        verb = "update" if old else "create"
        record_change(
            LoveBankItemChange,
            target=item,
            actor=actor,
            action=verb,
            audit_action=f"points.item_{verb}",
            old=old,
            new=new,
            changes={k: [old.get(k), v] for k, v in new.items() if old.get(k) != v},
        )
    return item


def lovebank_restock(*, actor: User, item: LoveBankItem, quantity: int) -> LoveBankItem:
    """入库: add `quantity` to the stock (negative to write off; never below zero)."""
    _check_cadre(actor, item.org)
    if quantity == 0:
        raise ValidationError({"quantity": [_("数量不能为0")]})
    with transaction.atomic():
        item = LoveBankItem.objects.select_for_update().get(pk=item.pk)
        if item.stock + quantity < 0:
            raise ValidationError({"quantity": [_("库存不能为负数")]})
        old = item.stock
        item.stock = old + quantity
        item.save(update_fields=["stock"])
        record_change(
            LoveBankItemChange,
            target=item,
            actor=actor,
            action="restock",
            audit_action="points.item_restock",
            old={"stock": old},
            new={"stock": item.stock},
        )
    return item


def _voucher() -> str:
    while True:
        code = "".join(secrets.choice(VOUCHER_ALPHABET) for _i in range(VOUCHER_LENGTH))
        if not Redemption.objects.filter(voucher=code).exists():
            return code


def lovebank_redeem(
    *, actor: User, person: Person, item: LoveBankItem, quantity: int = 1
) -> Redemption:
    """Exchange points for goods. Locks the person's account, then the item (always that
    order), checks balance ≥ price × quantity and stock ≥ quantity under the locks, appends a
    redeem entry, takes the stock and issues a voucher. Never overspends nor oversells."""
    own_points = actor.person_id == person.pk
    if not own_points:
        _check_cadre(actor, item.org)
    elif not actor.can_write:
        raise PermissionDenied
    if quantity < 1:
        raise ValidationError({"quantity": [_("数量至少为1")]})
    if not person.org.path.startswith(item.org.path):
        raise ValidationError({"item": [_("只能兑换本组织爱心银行的物品")]})
    with transaction.atomic():
        _lock_accounts([person.pk])
        item = LoveBankItem.objects.select_for_update().get(pk=item.pk)
        total = item.price * quantity
        if not item.is_active:
            raise ValidationError({"item": [_("该物品已下架")]})
        if item.stock < quantity:
            raise ValidationError({"quantity": [_("库存不足")]})
        if _balance(person.pk) < total:
            raise ValidationError({"quantity": [_("积分余额不足")]})
        entry = PointEntry.objects.create(
            person=person,
            org=item.org,
            kind=Kind.REDEEM,
            amount=-total,
            day=timezone.localdate(),
            reason=f"{item.name} × {quantity}",
            actor=actor,
        )
        old = item.stock
        item.stock = old - quantity
        item.save(update_fields=["stock"])
        redemption = Redemption.objects.create(
            item=item,
            person=person,
            quantity=quantity,
            points=total,
            entry=entry,
            voucher=_voucher(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="points.redeem",
            target=redemption,
            changes={"stock": [old, item.stock], "points": [None, -total]},
        )
    return redemption


def redemption_hand_over(*, actor: User, redemption: Redemption) -> Redemption:
    """The shop keeper hands the goods over, once."""
    _check_cadre(actor, redemption.item.org)
    with transaction.atomic():
        locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if locked.handed_over_at is not None:
            raise ValidationError({"voucher": [_("该兑换券已领取")]})
        locked.handed_over_at = timezone.now()
        locked.handed_over_by = actor
        locked.save(update_fields=["handed_over_at", "handed_over_by"])
        audit_record(
            actor=actor,
            action="points.hand_over",
            target=locked,
            changes={"handed_over_at": [None, str(locked.handed_over_at)]},
        )
    return locked
