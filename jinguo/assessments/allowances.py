"""Allowance policies and statements. Every state change locks its row, validates, writes a
StatementChange or PolicyChange row and an audit row.

Allowances (documented rule): an executive is paid the annual allowance pro rata by months
served: a calendar month of the statement's period counts when her executive seats (any post,
in the statement's subtree) cover at least half of its days; annual share = annual amount ×
months / 12. The annual allowance is for executives *other than* 两委 cadres (the seed: «除妇联
执委中村两委干部外，网格员执委还可享受每年900元的工作补助»): a day on which she holds a 两委
concurrent post (ConcurrentPost.Kind.TWO_COMMITTEES, 双向任职, wherever) is not a served day,
so a 两委 cadre all year is paid no annual share; the lost-work allowance applies to all.
Lost-work allowance = duty days × daily amount, where a duty day is a day with at
least one verified duty record of hers (jinguo.assessments.facts), capped per month when the
policy sets a cap. Amounts are yuan rounded half up to 2 places.
"""

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.assessments import facts
from jinguo.assessments.frame import _audit, _check_cadre, _nearest, yuan
from jinguo.assessments.models import (
    AllowanceLine,
    AllowancePolicy,
    AllowanceStatement,
    PolicyChange,
    StatementChange,
)
from jinguo.common import dates
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person

DEFAULT_ANNUAL = Decimal("900")
DEFAULT_DAILY = Decimal("100")


def policy_for(*, org: OrgUnit) -> AllowancePolicy:
    """The nearest unit's policy up the tree; the defaults (unsaved) when there is none."""
    policies = AllowancePolicy.objects.filter(org_id__in=tree.ids_in_path(org.path)).select_related(
        "org"
    )
    found = _nearest(policies, lambda p: p.org.path)
    return found or AllowancePolicy(
        org=org, annual_amount=DEFAULT_ANNUAL, daily_amount=DEFAULT_DAILY
    )


def _policy_snapshot(policy: AllowancePolicy) -> dict[str, Any]:
    return {
        "annual_amount": str(yuan(policy.annual_amount)),
        "daily_amount": str(yuan(policy.daily_amount)),
        "max_days_per_month": policy.max_days_per_month,
    }


def policy_save(
    *,
    actor: User | None,
    org: OrgUnit,
    annual_amount: Decimal,
    daily_amount: Decimal,
    max_days_per_month: int | None = None,
) -> AllowancePolicy:
    errors: dict[str, list[str]] = {}
    if annual_amount is None or annual_amount < 0:
        errors["annual_amount"] = [_("年度补贴不能为负数")]
    if daily_amount is None or daily_amount < 0:
        errors["daily_amount"] = [_("误工补贴不能为负数")]
    if max_days_per_month is not None and not 1 <= max_days_per_month <= 31:
        errors["max_days_per_month"] = [_("每月误工天数上限须为1–31")]
    if errors:
        raise ValidationError(errors)
    _check_cadre(actor, org)
    with transaction.atomic():
        policy = AllowancePolicy.objects.select_for_update().filter(org=org).first()
        old = _policy_snapshot(policy) if policy else {}
        policy = policy or AllowancePolicy(org=org)
        policy.annual_amount, policy.daily_amount = yuan(annual_amount), yuan(daily_amount)
        policy.max_days_per_month = max_days_per_month
        policy.save()
        _audit(
            actor=actor,
            action="policy.save",
            target=policy,
            history=PolicyChange,
            link={"policy": policy},
            old=old,
            new=_policy_snapshot(policy),
        )
    return policy


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    months = []
    day = start.replace(day=1)
    while day <= end:
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        months.append((day, last))
        day = last + dt.timedelta(days=1)
    return months


def _days(
    spans: Sequence[tuple[dt.date, dt.date | None]], first: dt.date, last: dt.date
) -> set[dt.date]:
    days: set[dt.date] = set()
    for span_start, span_end in spans:
        lo, hi = max(first, span_start), min(last, span_end or last)
        days.update(lo + dt.timedelta(days=n) for n in range((hi - lo).days + 1))
    return days


def months_served(
    *,
    spans: Sequence[tuple[dt.date, dt.date | None]],
    start: dt.date,
    end: dt.date,
    excluded: Sequence[tuple[dt.date, dt.date | None]] = (),
) -> int:
    """Calendar months of [start, end] in which the seats (start, end or None) cover at least
    half of the month's days, not counting the days covered by `excluded` (her 两委 posts)."""
    count = 0
    for first, last in _months(start, end):
        days = _days(spans, first, last) - _days(excluded, first, last)
        if len(days) * 2 >= last.day:
            count += 1
    return count


def annual_share(annual_amount: Decimal, months: int) -> Decimal:
    return yuan(Decimal(annual_amount) * months / 12)


def _lock_statement(statement: AllowanceStatement) -> AllowanceStatement:
    return (
        AllowanceStatement.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=statement.pk)
    )


def _statement_lines(statement: AllowanceStatement, policy: AllowancePolicy) -> list[AllowanceLine]:
    org, start, end = statement.org, statement.start, statement.end
    seats = (
        ExecutiveSeat.objects.filter(org.subtree_q("org__"), term_start__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("org")
        .order_by("person_id", "-term_start", "-id")
    )
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    latest: dict[int, ExecutiveSeat] = {}
    for seat in seats:
        latest.setdefault(seat.person_id, seat)
        spans.setdefault(seat.person_id, []).append((seat.term_start, seat.ended_on))
    two_committees: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    posts = ConcurrentPost.objects.filter(
        person_id__in=latest, kind=ConcurrentPost.Kind.TWO_COMMITTEES, start_date__lte=end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    for post in posts:
        two_committees.setdefault(post.person_id, []).append((post.start_date, post.end_date))
    duty = facts.duty_days_by_person(
        org=org, start=start, end=end, cap_per_month=policy.max_days_per_month
    )
    lines = []
    for person_id, seat in latest.items():
        months = months_served(
            spans=spans[person_id],
            start=start,
            end=end,
            excluded=two_committees.get(person_id, ()),
        )
        share = annual_share(policy.annual_amount, months)
        days = duty.get(person_id, 0)
        lost = yuan(Decimal(policy.daily_amount) * days)
        lines.append(
            AllowanceLine(
                statement=statement,
                person_id=person_id,
                org=seat.org,
                post=seat.post,
                months=months,
                annual_share=share,
                duty_days=days,
                lost_work_amount=lost,
                total=share + lost,
            )
        )
    return lines


def statement_create(
    *, actor: User | None, org: OrgUnit, start: dt.date, end: dt.date
) -> AllowanceStatement:
    if end < start:
        raise ValidationError({"end": [_("结束日期不能早于开始日期")]})
    if period := dates.period_errors(start, end):
        raise ValidationError({"end": period})
    _check_cadre(actor, org)
    if AllowanceStatement.objects.filter(org=org, start=start, end=end).exists():
        raise ValidationError(_("该组织该期间的补贴发放表已存在"))
    with transaction.atomic():
        statement = AllowanceStatement.objects.create(
            org=org, start=start, end=end, created_by=actor
        )
        _audit(
            actor=actor,
            action="statement.create",
            target=statement,
            history=StatementChange,
            link={"statement": statement},
            new={"status": statement.status, "start": str(start), "end": str(end)},
        )
    return statement_generate(actor=actor, statement=statement)


def statement_generate(*, actor: User | None, statement: AllowanceStatement) -> AllowanceStatement:
    """(Re)compute the lines of a draft: the old lines are replaced. Refused once confirmed."""
    with transaction.atomic():
        locked = _lock_statement(statement)
        _check_cadre(actor, locked.org)
        if locked.status != AllowanceStatement.Status.DRAFT:
            raise ValidationError(_("补贴发放表已确认，不能重新生成；如需更正请添加更正行"))
        policy = policy_for(org=locked.org)
        old_total = sum((line.total for line in locked.lines.all()), Decimal(0))
        locked.lines.all().delete()
        lines = _statement_lines(locked, policy)
        AllowanceLine.objects.bulk_create(lines)
        locked.policy, locked.generated_at = _policy_snapshot(policy), timezone.now()
        locked.save(update_fields=["policy", "generated_at"])
        new_total = sum((line.total for line in lines), Decimal(0))
        _audit(
            actor=actor,
            action="statement.generate",
            target=locked,
            history=StatementChange,
            link={"statement": locked},
            old={"total": str(yuan(old_total))},
            new={"total": str(yuan(new_total)), "lines": len(lines)},
        )
    return locked


def _statement_move(
    *, actor: User | None, statement: AllowanceStatement, source: str, target: str, stamp: str
) -> AllowanceStatement:
    with transaction.atomic():
        locked = _lock_statement(statement)
        _check_cadre(actor, locked.org)
        if locked.status != source:
            raise ValidationError(
                _("补贴发放表当前状态为「%(status)s」，不能执行此操作")
                % {"status": locked.get_status_display()}
            )
        locked.status = target
        setattr(locked, stamp, timezone.now())
        locked.save(update_fields=["status", stamp])
        _audit(
            actor=actor,
            action=f"statement.{target}",
            target=locked,
            history=StatementChange,
            link={"statement": locked},
            old={"status": source},
            new={"status": target},
        )
    return locked


def statement_confirm(*, actor: User | None, statement: AllowanceStatement) -> AllowanceStatement:
    return _statement_move(
        actor=actor,
        statement=statement,
        source=AllowanceStatement.Status.DRAFT,
        target=AllowanceStatement.Status.CONFIRMED,
        stamp="confirmed_at",
    )


def statement_mark_paid(*, actor: User | None, statement: AllowanceStatement) -> AllowanceStatement:
    return _statement_move(
        actor=actor,
        statement=statement,
        source=AllowanceStatement.Status.CONFIRMED,
        target=AllowanceStatement.Status.PAID,
        stamp="paid_at",
    )


def statement_adjust(
    *,
    actor: User | None,
    statement: AllowanceStatement,
    person: Person,
    amount: Decimal,
    reason: str,
) -> AllowanceLine:
    """A correction after confirmation: a new line (positive or negative amount) with a reason;
    the computed lines stay as they were."""
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("请填写更正原因")]
    if amount is None or amount == 0:
        errors["amount"] = [_("更正金额不能为0")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_statement(statement)
        _check_cadre(actor, locked.org)
        if locked.status == AllowanceStatement.Status.DRAFT:
            raise ValidationError(_("草稿状态请直接重新生成，确认后才添加更正行"))
        regular = locked.lines.filter(person=person, kind=AllowanceLine.Kind.REGULAR).first()
        if regular is None:
            raise ValidationError({"person": [_("该人员不在本发放表中")]})
        line = AllowanceLine.objects.create(
            statement=locked,
            person=person,
            org=regular.org,
            post=regular.post,
            kind=AllowanceLine.Kind.ADJUSTMENT,
            total=yuan(amount),
            reason=reason.strip()[:500],
            created_by=actor,
        )
        _audit(
            actor=actor,
            action="statement.adjust",
            target=locked,
            history=StatementChange,
            link={"statement": locked},
            new={"person": person.pk, "amount": str(line.total)},
            note=line.reason,
        )
    return line
