"""Writes of duty points, the love bank and nominations.

The ledger only grows: every service appends PointEntry rows and never updates one. Whoever
changes one person's points (collecting, approving, correcting, redeeming, expiring) first locks
that person's PointAccount row; a redemption then locks the item row. Always in that order —
accounts (by id) before items — so two writers never wait on each other in a cycle.
"""

import datetime as dt
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.services import audit_record
from jinguo.common import dates
from jinguo.common.uploads import photo_errors
from jinguo.orgs import tree
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.people.models import Person
from jinguo.points.models import (
    BALANCE_KINDS,
    Action,
    CapPeriod,
    Kind,
    LoveBankItem,
    LoveBankItemChange,
    Nomination,
    NominationChange,
    PointAccount,
    PointEntry,
    PointRule,
    Redemption,
    RuleChange,
)
from jinguo.points.sources import SOURCES

VOUCHER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
VOUCHER_LENGTH = 10
EXPIRY_YEARS = 2  # points earned in year Y expire at the end of year Y + 2
RULE_FIELDS = ("points", "cap", "cap_period", "approver_level", "is_active", "valid_from")

# The city's default rules (action, points, cap, cap period): a visit 1 point up to 30 a month…
DEFAULT_RULES: tuple[tuple[str, int, int | None, str], ...] = (
    (Action.VISIT, 1, 30, CapPeriod.MONTH),
    (Action.CASE_RESOLVED, 5, 50, CapPeriod.MONTH),
    (Action.CASE_PARTICIPATION, 3, 30, CapPeriod.MONTH),
    (Action.MEETING_ATTENDANCE, 2, 12, CapPeriod.QUARTER),
    (Action.TRAINING_ATTENDANCE, 2, 24, CapPeriod.QUARTER),
    (Action.VOLUNTEER_SERVICE, 2, 40, CapPeriod.MONTH),
    (Action.MANUAL_BONUS, 10, 100, CapPeriod.YEAR),
)
# A rule's points per action and its cap per period (the rule form's bounds, and well inside the
# database's integer columns).
MAX_RULE_POINTS, MAX_RULE_CAP = 1000, 100_000


# --- who may do what ------------------------------------------------------------------------------


def _check_cadre(actor: User | None, org: OrgUnit) -> None:
    """A cadre whose unit contains `org` (None: the system itself, e.g. cron)."""
    check_write_at(user=actor, org=org, cadre_only=True)


def _check_above(actor: User, org: OrgUnit) -> None:
    """A cadre of a unit strictly above `org` (appeals go to the level above the decider)."""
    check_write_at(user=actor, org=org, cadre_only=True)
    if actor.org_id == org.pk:
        raise PermissionDenied


def _lock_accounts(person_ids: Iterable[int]) -> None:
    """Create the persons' lock rows if missing, then lock them in id order."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    PointAccount.objects.bulk_create(
        [PointAccount(person_id=pk) for pk in ids], ignore_conflicts=True
    )
    list(PointAccount.objects.select_for_update().filter(person_id__in=ids).order_by("pk"))


def _balance(person_id: int) -> int:
    total = PointEntry.objects.filter(person_id=person_id, kind__in=BALANCE_KINDS).aggregate(
        s=Sum("amount")
    )["s"]
    return int(total or 0)


def _entry_audit(actor: User | None, entry: PointEntry, note: str = "") -> None:
    audit_record(
        actor=actor,
        action=f"points.{entry.kind}",
        target=entry,
        changes={"amount": [None, entry.amount], "person": [None, entry.person_id]},
        note=note,
    )


# --- rules ----------------------------------------------------------------------------------------


def _rule_values(rule: PointRule) -> dict[str, Any]:
    return {
        f: str(v) if isinstance(v, dt.date) else v for f in RULE_FIELDS for v in [getattr(rule, f)]
    }


def point_rule_save(
    *,
    actor: User | None,
    org: OrgUnit,
    action: str,
    points: int,
    cap: int | None = None,
    cap_period: str = CapPeriod.MONTH,
    approver_level: int = 4,
    is_active: bool = True,
    valid_from: dt.date | None = None,
) -> PointRule:
    """Create `org`'s rule for `action`, or change it; a RuleChange row and an audit row."""
    _check_cadre(actor, org)
    if action not in Action.values:
        raise ValidationError({"action": [_("未知的履职事项")]})
    if points < 0 or (cap is not None and cap < 1):
        raise ValidationError({"cap": [_("积分和上限不能为负数")]})
    if points > MAX_RULE_POINTS or (cap is not None and cap > MAX_RULE_CAP):
        raise ValidationError(
            {
                "points": [
                    _("每次积分不能超过%(points)s，上限不能超过%(cap)s")
                    % {"points": MAX_RULE_POINTS, "cap": MAX_RULE_CAP}
                ]
            }
        )
    if approver_level not in (1, 2, 3, 4):
        raise ValidationError({"approver_level": [_("审核层级应为市、县、乡镇或村（社区）")]})
    valid_from = valid_from or timezone.localdate()
    with transaction.atomic():
        rule = PointRule.objects.select_for_update().filter(org=org, action=action).first()
        old = _rule_values(rule) if rule else {}
        if rule is None:
            rule = PointRule(org=org, action=action)
        values = {
            "points": points,
            "cap": cap,
            "cap_period": cap_period,
            "approver_level": approver_level,
            "is_active": is_active,
            "valid_from": valid_from,
        }
        for name, value in values.items():
            setattr(rule, name, value)
        new = _rule_values(rule)
        if old == new:
            return rule
        rule.save()
        verb = "update" if old else "create"
        RuleChange.objects.create(rule=rule, actor=actor, action=verb, old=old, new=new)
        changes = {k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]}
        audit_record(actor=actor, action=f"points.rule_{verb}", target=rule, changes=changes)
    return rule


def point_rules_seed(
    *, actor: User | None, org: OrgUnit, valid_from: dt.date | None = None
) -> list[PointRule]:
    """The default rules at `org` (the city root) for the actions it has no rule for yet."""
    have = set(PointRule.objects.filter(org=org).values_list("action", flat=True))
    return [
        point_rule_save(
            actor=actor,
            org=org,
            action=action,
            points=points,
            cap=cap,
            cap_period=period,
            valid_from=valid_from or dt.date(2000, 1, 1),
        )
        for action, points, cap, period in DEFAULT_RULES
        if action not in have
    ]


class RuleBook:
    """The active rules of the orgs above and within `org`, resolved per fact: the nearest
    ancestor's rule (valid on the fact's day) wins. Two queries, whatever the number of facts."""

    def __init__(self, org: OrgUnit) -> None:
        ancestors = [int(pk) for pk in tree.ids_in_path(org.path)]
        units = OrgUnit.objects.filter(Q(pk__in=ancestors) | org.subtree_q())
        self.units = {u.pk: (u.path, u.kind) for u in units.only("pk", "path", "kind")}
        self.by_path: dict[tuple[str, str], PointRule] = {}
        rules = PointRule.objects.filter(is_active=True).filter(
            Q(org_id__in=ancestors) | org.subtree_q("org__")
        )
        for rule in rules.select_related("org"):
            self.by_path[(rule.org.path, rule.action)] = rule

    def rule(self, *, org_id: int, action: str, day: dt.date) -> PointRule | None:
        path = self.units[org_id][0]
        for prefix in reversed([*tree.ancestor_paths(path), path]):
            rule = self.by_path.get((prefix, action))
            if rule is not None and rule.valid_from <= day:
                return rule
        return None

    def approver(self, *, org_id: int, level: int) -> int:
        """The nearest unit at or above the fact's unit whose territorial level ≤ `level`."""
        path = self.units[org_id][0]
        for pk in reversed(tree.ids_in_path(path)):
            unit = self.units.get(pk)
            if unit and TERRITORIAL_LEVEL.get(unit[1], 99) <= level:
                return pk
        return org_id


def rule_for(*, org: OrgUnit, action: str, day: dt.date) -> PointRule | None:
    """The rule that applies to `action` done at `org` on `day`."""
    return RuleBook(org).rule(org_id=org.pk, action=action, day=day)


# --- earning --------------------------------------------------------------------------------------


@dataclass
class Collected:
    created: int = 0
    capped: int = 0
    skipped: int = 0  # already collected, or no rule applies


def _period_key(day: dt.date, period: str) -> tuple[int, int]:
    if period == CapPeriod.MONTH:
        return day.year, day.month
    if period == CapPeriod.QUARTER:
        return day.year, 100 + (day.month - 1) // 3
    return day.year, 0


def _rejected() -> Exists:
    return Exists(PointEntry.objects.filter(ref=OuterRef("pk"), kind=Kind.REJECT))


def points_collect(
    *, org: OrgUnit, start: dt.date, end: dt.date, actor: User | None = None
) -> Collected:
    """Append a PENDING earn entry for every verified fact of org's subtree in the period that
    has none yet (unique on action, source, person: running again adds nothing). A rule's cap
    is applied here: a fact beyond the cap is recorded with 0 points and `capped`, so the
    executive sees the duty was counted, and a later run does not re-decide it."""
    if actor is not None:
        _check_cadre(actor, org)
    if period := dates.period_errors(start, end):
        raise ValidationError({"end": period})
    result = Collected()
    book = RuleBook(org)
    lo, hi = dt.date(start.year, 1, 1), dt.date(end.year, 12, 31)
    with transaction.atomic():
        for action, source in SOURCES.items():
            facts = sorted(source.facts(org=org, start=start, end=end), key=lambda f: (f[1], f[2]))
            if not facts:
                continue
            _lock_accounts(f[0] for f in facts)
            earns = PointEntry.objects.filter(kind=Kind.EARN, action=action, day__range=(lo, hi))
            existing = set(earns.values_list("source_id", "person_id"))
            used: dict[tuple[int, int, int], int] = defaultdict(int)  # (person, year, month)
            for person_id, day, amount in earns.exclude(_rejected()).values_list(
                "person_id", "day", "amount"
            ):
                used[(person_id, day.year, day.month)] += amount
            rows = []
            for person_id, day, source_id, org_id in facts:
                if (source_id, person_id) in existing or org_id not in book.units:
                    result.skipped += 1
                    continue
                rule = book.rule(org_id=org_id, action=action, day=day)
                if rule is None:
                    result.skipped += 1
                    continue
                amount = rule.points
                if rule.cap is not None:
                    key = _period_key(day, rule.cap_period)
                    spent = sum(
                        n
                        for (p, y, m), n in used.items()
                        if p == person_id and _period_key(dt.date(y, m, 1), rule.cap_period) == key
                    )
                    amount = max(0, min(amount, rule.cap - spent))
                used[(person_id, day.year, day.month)] += amount
                existing.add((source_id, person_id))
                rows.append(
                    PointEntry(
                        person_id=person_id,
                        org_id=org_id,
                        kind=Kind.EARN,
                        action=action,
                        source_id=source_id,
                        amount=amount,
                        day=day,
                        rule=rule,
                        approver_org_id=book.approver(org_id=org_id, level=rule.approver_level),
                        capped=amount < rule.points,
                        actor=actor,
                    )
                )
                result.capped += amount == 0
            PointEntry.objects.bulk_create(rows)
            result.created += len(rows)
        audit_record(
            actor=actor,
            action="points.collect",
            target=org,
            note=f"{start}…{end}: {result.created} new, {result.capped} capped",
        )
    return result


def point_bonus(
    *, actor: User, person: Person, points: int, reason: str, day: dt.date | None = None
) -> PointEntry:
    """表彰加分: a cadre's manual bonus, PENDING like any earn (she or the level above approves)."""
    _check_cadre(actor, person.org)
    if points < 1:
        raise ValidationError({"points": [_("加分应大于0")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写加分理由")]})
    with transaction.atomic():
        _lock_accounts([person.pk])
        entry = PointEntry.objects.create(
            person=person,
            org=person.org,
            kind=Kind.EARN,
            action=Action.MANUAL_BONUS,
            source_id=f"bonus:{uuid.uuid4().hex[:16]}",
            amount=points,
            day=day or timezone.localdate(),
            approver_org=actor.org,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, entry, reason)
    return entry


# --- approval -------------------------------------------------------------------------------------


def _pending_check(earn: PointEntry) -> None:
    if earn.kind != Kind.EARN or (earn.capped and earn.amount == 0):
        raise ValidationError({"entry": [_("该条目无需审核")]})
    if PointEntry.objects.filter(ref=earn, kind__in=(Kind.APPROVE, Kind.REJECT)).exists():
        raise ValidationError({"entry": [_("该条目已审核")]})


def points_approve(*, actor: User, entries: Sequence[PointEntry]) -> list[PointEntry]:
    """Approve pending earns (bulk): one approve entry each, carrying the earned points."""
    for earn in entries:
        _check_cadre(actor, earn.approver_org or earn.org)
    with transaction.atomic():
        _lock_accounts(e.person_id for e in entries)
        rows = []
        for earn in entries:
            _pending_check(earn)
            row = PointEntry.objects.create(
                person_id=earn.person_id,
                org_id=earn.org_id,
                kind=Kind.APPROVE,
                action=earn.action,
                amount=earn.amount,
                day=earn.day,
                ref=earn,
                actor=actor,
            )
            _entry_audit(actor, row)
            rows.append(row)
    return rows


def points_reject(*, actor: User, entry: PointEntry, reason: str) -> PointEntry:
    _check_cadre(actor, entry.approver_org or entry.org)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写不通过的理由")]})
    with transaction.atomic():
        _lock_accounts([entry.person_id])
        _pending_check(entry)
        row = PointEntry.objects.create(
            person_id=entry.person_id,
            org_id=entry.org_id,
            kind=Kind.REJECT,
            action=entry.action,
            amount=0,
            day=entry.day,
            ref=entry,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


def points_correct(*, actor: User, person: Person, amount: int, reason: str) -> PointEntry:
    """更正: ± points with a mandatory reason, by a cadre whose unit contains the person's."""
    _check_cadre(actor, person.org)
    if actor.org is None:
        raise PermissionDenied
    if amount == 0:
        raise ValidationError({"amount": [_("更正积分不能为0")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写更正理由")]})
    with transaction.atomic():
        _lock_accounts([person.pk])
        if amount < 0 and _balance(person.pk) + amount < 0:
            raise ValidationError({"amount": [_("扣减后积分余额将为负数")]})
        row = PointEntry.objects.create(
            person=person,
            org=person.org,
            kind=Kind.CORRECT,
            amount=amount,
            day=timezone.localdate(),
            approver_org=actor.org,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


def _disputed_decider(disputed: PointEntry) -> OrgUnit:
    """The unit whose decision is disputed: the earn's approver for a rejection, the
    corrector's unit for a correction."""
    if disputed.kind == Kind.REJECT:
        earn = disputed.ref
        if earn is not None:
            return earn.approver_org or earn.org
    return disputed.approver_org or disputed.org


def points_appeal(*, actor: User, entry: PointEntry, reason: str) -> PointEntry:
    """申诉: the executive disputes a rejection or a deduction of her own points."""
    if actor.person_id is None or actor.person_id != entry.person_id:
        raise PermissionDenied
    if not (entry.kind == Kind.REJECT or (entry.kind == Kind.CORRECT and entry.amount < 0)):
        raise ValidationError({"entry": [_("只能对审核不通过或扣减的积分申诉")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写申诉理由")]})
    with transaction.atomic():
        _lock_accounts([entry.person_id])
        if PointEntry.objects.filter(ref=entry, kind=Kind.APPEAL).exists():
            raise ValidationError({"entry": [_("该条目已申诉")]})
        row = PointEntry.objects.create(
            person_id=entry.person_id,
            org_id=entry.org_id,
            kind=Kind.APPEAL,
            action=entry.action,
            amount=0,
            day=timezone.localdate(),
            ref=entry,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


def points_appeal_decide(
    *, actor: User, appeal: PointEntry, accept: bool, reason: str = ""
) -> PointEntry:
    """The cadre above the one who decided rules: accepted, the points come back in an
    appeal_accept entry (the rejected earn's points, or the deduction reversed)."""
    if appeal.kind != Kind.APPEAL or appeal.ref is None:
        raise ValidationError({"entry": [_("不是申诉条目")]})
    disputed = appeal.ref
    _check_above(actor, _disputed_decider(disputed))
    if not accept and not reason.strip():
        raise ValidationError({"reason": [_("请填写驳回理由")]})
    with transaction.atomic():
        _lock_accounts([appeal.person_id])
        if PointEntry.objects.filter(
            ref=appeal, kind__in=(Kind.APPEAL_ACCEPT, Kind.APPEAL_REJECT)
        ).exists():
            raise ValidationError({"entry": [_("该申诉已处理")]})
        if accept:
            earn = disputed.ref if disputed.kind == Kind.REJECT else None
            amount = earn.amount if earn is not None else -disputed.amount
            day = earn.day if earn is not None else disputed.day
            kind = Kind.APPEAL_ACCEPT
        else:
            amount, day, kind = 0, timezone.localdate(), Kind.APPEAL_REJECT
        row = PointEntry.objects.create(
            person_id=appeal.person_id,
            org_id=appeal.org_id,
            kind=kind,
            action=appeal.action,
            amount=amount,
            day=day,
            ref=appeal,
            reason=reason.strip()[:500],
            actor=actor,
        )
        _entry_audit(actor, row, reason)
    return row


# --- expiry ---------------------------------------------------------------------------------------


def points_expire(*, today: dt.date | None = None, actor: User | None = None) -> int:
    """Points earned in year Y expire at the end of year Y + 2. Spending (redeem, deductions)
    uses the oldest points first; what is left of a year once it has expired is written off in
    one expire entry per person and year (dated Dec 31 of Y + 2; unique, so re-running adds
    nothing). Returns the number of entries written."""
    today = today or timezone.localdate()
    last_expired_year = today.year - EXPIRY_YEARS - 1  # years whose expiry date has passed
    rows = (
        PointEntry.objects.filter(kind__in=BALANCE_KINDS)
        .values_list("person_id", "kind", "amount", "day")
        .order_by("person_id")
    )
    credits: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    debits: dict[int, int] = defaultdict(int)
    expired: dict[int, dict[int, int]] = defaultdict(dict)
    for person_id, kind, amount, day in rows:
        if kind == Kind.EXPIRE:
            expired[person_id][day.year - EXPIRY_YEARS] = -amount
        elif amount > 0:
            credits[person_id][day.year] += amount
        else:
            debits[person_id] += -amount
    written = 0
    with transaction.atomic():
        for person_id, by_year in credits.items():
            pool = debits[person_id]
            for year in sorted(by_year):
                left = by_year[year] - expired[person_id].get(year, 0)
                take = min(max(left, 0), pool)
                pool -= take
                left -= take
                if year > last_expired_year or year in expired[person_id] or left <= 0:
                    continue
                _lock_accounts([person_id])
                person_org = Person.objects.values_list("org_id", flat=True).get(pk=person_id)
                row = PointEntry.objects.create(
                    person_id=person_id,
                    org_id=person_org,
                    kind=Kind.EXPIRE,
                    amount=-left,
                    day=dt.date(year + EXPIRY_YEARS, 12, 31),
                    reason=_("%(year)s年获得的积分到期") % {"year": year},
                    actor=actor,
                )
                _entry_audit(actor, row)
                written += 1
    return written


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
        LoveBankItemChange.objects.create(item=item, actor=actor, action=verb, old=old, new=new)
        changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
        audit_record(actor=actor, action=f"points.item_{verb}", target=item, changes=changes)
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
        LoveBankItemChange.objects.create(
            item=item, actor=actor, action="restock", old={"stock": old}, new={"stock": item.stock}
        )
        audit_record(
            actor=actor,
            action="points.item_restock",
            target=item,
            changes={"stock": [old, item.stock]},
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


# --- 最美执委 -------------------------------------------------------------------------------------

NS = Nomination.Status
NOMINATION_NEXT: dict[str, tuple[str, ...]] = {
    NS.NOMINATED: (NS.SHORTLISTED, NS.NOT_SELECTED),
    NS.SHORTLISTED: (NS.SELECTED, NS.NOT_SELECTED),
    NS.SELECTED: (),
    NS.NOT_SELECTED: (),
}


def nomination_create(
    *, actor: User, year: int, org: OrgUnit, person: Person, reason: str
) -> Nomination:
    _check_cadre(actor, org)
    if not person.org.path.startswith(org.path):
        raise ValidationError({"person": [_("被推荐人不在该组织")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写推荐理由")]})
    if Nomination.objects.filter(year=year, person=person).exists():
        raise ValidationError({"person": [_("该执委本年度已被推荐")]})
    with transaction.atomic():
        nomination = Nomination.objects.create(
            year=year, org=org, person=person, reason=reason.strip(), nominated_by=actor
        )
        NominationChange.objects.create(nomination=nomination, actor=actor, to_status=NS.NOMINATED)
        audit_record(
            actor=actor,
            action="points.nominate",
            target=nomination,
            changes={"status": [None, NS.NOMINATED]},
        )
    return nomination


def nomination_transition(
    *, actor: User, nomination: Nomination, status: str, note: str = ""
) -> Nomination:
    _check_cadre(actor, nomination.org)
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if status not in NOMINATION_NEXT[locked.status]:
            raise ValidationError({"status": [_("当前状态不能变更为该状态")]})
        old = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        NominationChange.objects.create(
            nomination=locked, actor=actor, from_status=old, to_status=status, note=note[:500]
        )
        audit_record(
            actor=actor,
            action="points.nomination_status",
            target=locked,
            changes={"status": [old, status]},
            note=note,
        )
    return locked
