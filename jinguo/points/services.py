"""Writes of duty points: the rules, collecting and expiring points, and the checks and locks
that approval.py, lovebank.py and nominations.py share.

The ledger only grows: every service appends PointEntry rows and never updates one. Whoever
changes one person's points (collecting, approving, correcting, redeeming, expiring) first locks
that person's PointAccount row; a redemption then locks the item row. Always in that order —
accounts (by id) before items — so two writers never wait on each other in a cycle.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.audit.services import audit_record
from jinguo.common import dates
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
    PointAccount,
    PointEntry,
    PointRule,
    RuleChange,
)
from jinguo.points.sources import SOURCES

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
        record_change(
            RuleChange,
            target=rule,
            actor=actor,
            action=verb,
            audit_action=f"points.rule_{verb}",
            old=old,
            new=new,
            changes={k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]},
        )
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


# --- expiry ---------------------------------------------------------------------------------------


def points_collect_trees(*, start: dt.date, end: dt.date) -> dict[OrgUnit, Collected]:
    """points_collect over every active tree, by the system (the nightly task, the command)."""
    roots = OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("pk")
    return {root: points_collect(org=root, start=start, end=end) for root in roots}


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
