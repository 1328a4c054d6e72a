"""Writes of assessments and allowances. Every state change locks its row, validates, writes
a *Change history row and an audit row.

Scoring (documented rule): a measured metric scores 0–100 and contributes weight × score / 100;
a manual item contributes its entered score (0 … its maximum, which is its weight). Weights and
maxima sum to 100. A measured metric with no data (no denominator: no key households, no cases,
no meetings, no ratings, no points module) does not count against her: its weight is spread
over the other items in proportion to their weights, i.e. every other item is multiplied by
100 / (100 − missing weight).

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
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.assessments import facts, metrics
from jinguo.assessments.models import (
    AllowanceLine,
    AllowancePolicy,
    AllowanceStatement,
    Appeal,
    AssessmentResult,
    AssessmentRound,
    AssessmentScheme,
    Metric,
    PolicyChange,
    ResultChange,
    RoundChange,
    SchemeChange,
    SchemeItem,
    StatementChange,
    default_grade_bands,
)
from jinguo.audit.services import audit_record
from jinguo.common import dates
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person

R = AssessmentRound.Status
ST = AllowanceStatement.Status
APPEAL_DAYS = 7
CENT = Decimal("0.01")
DEFAULT_ANNUAL = Decimal("900")
DEFAULT_DAILY = Decimal("100")


def yuan(value: Decimal | int | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the common frame ------------------------------------------------------------------------


def _check_actor(actor: User | None, org: OrgUnit) -> None:
    """The actor may write at `org` (None: the system itself)."""
    check_write_at(user=actor, org=org)


def _check_cadre(actor: User | None, org: OrgUnit) -> None:
    """Schemes, rounds, scores and statements: a cadre of `org` or above."""
    _check_actor(actor, org)
    if actor is not None and actor.role != Role.CADRE:
        raise PermissionDenied


def _audit(
    *,
    actor: User | None,
    action: str,
    target: Model,
    history: Any,
    link: dict[str, Model],
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    old, new = old or {}, new or {}
    history.objects.create(actor=actor, action=action, old=old, new=new, note=note[:500], **link)
    changes = {key: [old.get(key), new.get(key)] for key in sorted({*old, *new})}
    audit_record(
        actor=actor, action=f"assessments.{action}", target=target, changes=changes, note=note
    )


def _nearest(rows: Iterable[Any], org_path_of: Any) -> Any:
    """The row whose org is deepest (nearest ancestor of the unit)."""
    return max(rows, key=lambda row: len(org_path_of(row)), default=None)


# --- schemes -----------------------------------------------------------------------------------


def validate_grade_bands(bands: Any) -> list[dict[str, Any]]:
    """[{"name", "min"}…] with distinct names, minima 0–100, one band starting at 0; sorted
    from the highest minimum down."""
    message = _("等次设置有误：每个等次需有名称和0–100的最低分，且须有一个最低分为0的等次")
    try:
        clean: list[dict[str, Any]] = [
            {"name": str(b["name"]).strip(), "min": int(b["min"])} for b in bands
        ]
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"grade_bands": [message]}) from None
    names = [b["name"] for b in clean]
    if (
        not clean
        or any(not name for name in names)
        or len(set(names)) != len(names)
        or any(not 0 <= b["min"] <= 100 for b in clean)
        or 0 not in {b["min"] for b in clean}
        or len({b["min"] for b in clean}) != len(clean)
    ):
        raise ValidationError({"grade_bands": [message]})
    return sorted(clean, key=lambda b: -b["min"])


def grade_for(total: Decimal | float, bands: list[dict[str, Any]]) -> str:
    for band in sorted(bands, key=lambda b: -int(b["min"])):
        if Decimal(str(total)) >= Decimal(str(band["min"])):
            return str(band["name"])
    return ""


def _validate_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors: list[str] = []
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        metric = str(item.get("metric") or "")
        name = str(item.get("name") or "").strip()
        if metric and metric not in Metric.values:
            errors.append(_("未知的测评指标：%(metric)s") % {"metric": metric})
            continue
        name = name or str(Metric(metric).label) if metric else name
        if not name:
            errors.append(_("评分项目须有名称"))
            continue
        try:
            weight = int(item.get("weight") or 0)
        except (TypeError, ValueError):
            weight = -1
        if weight <= 0 or weight > 100:
            errors.append(_("「%(name)s」的权重须为1–100的整数") % {"name": name})
            continue
        key = metric or f"manual:{name}"
        if key in seen:
            errors.append(_("「%(name)s」重复") % {"name": name})
            continue
        seen.add(key)
        clean.append({"metric": metric, "name": name, "weight": weight})
    if not errors and not clean:
        errors.append(_("请至少设置一个评分项目"))
    total = sum(i["weight"] for i in clean)
    if not errors and total != 100:
        errors.append(_("各项权重之和须为100，现为%(total)s") % {"total": total})
    if errors:
        raise ValidationError({"items": errors})
    return clean


def scheme_create(
    *,
    actor: User | None,
    org: OrgUnit,
    name: str,
    valid_from: dt.date,
    items: list[dict[str, Any]],
    grade_bands: list[dict[str, Any]] | None = None,
    points_target: int | None = None,
) -> AssessmentScheme:
    """A scheme (or a new version of one: a later valid_from) for `org`'s subtree."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("请填写方案名称")]
    try:
        clean_items = _validate_items(items)
    except ValidationError as exc:
        errors |= exc.message_dict
        clean_items = []
    try:
        bands = validate_grade_bands(default_grade_bands() if grade_bands is None else grade_bands)
    except ValidationError as exc:
        errors |= exc.message_dict
        bands = []
    if errors:
        raise ValidationError(errors)
    _check_cadre(actor, org)
    with transaction.atomic():
        scheme = AssessmentScheme.objects.create(
            org=org,
            name=name.strip(),
            valid_from=valid_from,
            grade_bands=bands,
            points_target=points_target or None,
            created_by=actor,
        )
        for order, item in enumerate(clean_items):
            SchemeItem.objects.create(scheme=scheme, sort_order=order, **item)
        new = {"name": scheme.name, "valid_from": str(valid_from), "items": clean_items}
        _audit(
            actor=actor,
            action="scheme.create",
            target=scheme,
            history=SchemeChange,
            link={"scheme": scheme},
            new=new | {"grade_bands": bands},
        )
    return scheme


def scheme_for(*, org: OrgUnit, on: dt.date) -> AssessmentScheme | None:
    """The scheme of the nearest unit up the tree (the unit itself first), its latest version
    valid on `on`."""
    ids = tree.ids_in_path(org.path)
    schemes = list(
        AssessmentScheme.objects.filter(org_id__in=ids, valid_from__lte=on)
        .select_related("org")
        .order_by("-valid_from", "-id")
    )
    if not schemes:
        return None
    depth = max(len(s.org.path) for s in schemes)
    return next(s for s in schemes if len(s.org.path) == depth)


# --- rounds ------------------------------------------------------------------------------------


def round_create(
    *, actor: User | None, org: OrgUnit, name: str, start: dt.date, end: dt.date
) -> AssessmentRound:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("请填写名称")]
    if end < start:
        errors["end"] = [_("结束日期不能早于开始日期")]
    elif period := dates.period_errors(start, end):
        errors["end"] = period
    scheme = scheme_for(org=org, on=end)
    if scheme is None:
        errors["org"] = [_("该组织及其上级都没有在考核期结束前生效的考核方案")]
    if errors or scheme is None:
        raise ValidationError(errors)
    _check_cadre(actor, org)
    with transaction.atomic():
        round = AssessmentRound.objects.create(
            org=org, scheme=scheme, name=name.strip(), start=start, end=end, created_by=actor
        )
        _audit(
            actor=actor,
            action="round.create",
            target=round,
            history=RoundChange,
            link={"round": round},
            new={"status": round.status, "scheme": scheme.pk},
        )
    return round


def _lock_round(round: AssessmentRound) -> AssessmentRound:
    return (
        AssessmentRound.objects.select_for_update(of=("self",))
        .select_related("org", "scheme")
        .get(pk=round.pk)
    )


def _status_error(round: AssessmentRound, allowed: Iterable[str]) -> None:
    if round.status not in allowed:
        raise ValidationError(
            _("考核轮次当前状态为「%(status)s」，不能执行此操作")
            % {"status": round.get_status_display()}
        )


def round_executives(*, org: OrgUnit, start: dt.date, end: dt.date) -> dict[int, ExecutiveSeat]:
    """Executives with a seat in `org`'s subtree active at some time in the period: their
    latest such seat (one query)."""
    seats = (
        ExecutiveSeat.objects.filter(org.subtree_q("org__"), term_start__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("org", "person")
        .order_by("person_id", "-term_start", "-id")
    )
    chosen: dict[int, ExecutiveSeat] = {}
    for seat in seats:
        chosen.setdefault(seat.person_id, seat)
    return chosen


def score_total(
    *, items: list[SchemeItem], measured: dict[str, float | None], manual: dict[str, Any]
) -> tuple[Decimal, dict[str, float]]:
    """Total 0–100 and each item's effective weight after spreading missing metrics' weights."""
    missing = sum(i.weight for i in items if not i.is_manual and measured.get(i.metric) is None)
    remaining = 100 - missing
    factor = Decimal(100) / Decimal(remaining) if remaining > 0 else Decimal(0)
    total = Decimal(0)
    effective: dict[str, float] = {}
    for item in items:
        key = item.metric or item.name
        if not item.is_manual and measured.get(item.metric) is None:
            effective[key] = 0.0
            continue
        effective[key] = float(round(Decimal(item.weight) * factor, 2))
        if item.is_manual:
            total += Decimal(str(manual.get(item.name) or 0)) * factor
        else:
            total += Decimal(item.weight) * factor * Decimal(str(measured[item.metric])) / 100
    return yuan(total), effective


def _retotal(result: AssessmentResult, items: list[SchemeItem], bands: list[Any]) -> None:
    measured = {k: v.get("score") for k, v in result.metrics.items()}
    total, effective = score_total(items=items, measured=measured, manual=result.manual)
    for key, value in result.metrics.items():
        value["effective_weight"] = effective.get(key, 0.0)
    result.total, result.grade = total, grade_for(total, bands)


def assessment_compute(*, actor: User | None, round: AssessmentRound) -> int:
    """Snapshot every executive's measured values (manual scores already entered are kept);
    the round moves to scoring. Returns the number of results."""
    with transaction.atomic():
        locked = _lock_round(round)
        _check_cadre(actor, locked.org)
        _status_error(locked, (R.OPEN, R.SCORING))
        scheme = locked.scheme
        items = list(scheme.items.all())
        seats = round_executives(org=locked.org, start=locked.start, end=locked.end)
        person_ids = sorted(seats)
        measured = metrics.measure_all(
            metrics=[i.metric for i in items if i.metric],
            person_ids=person_ids,
            org=locked.org,
            start=locked.start,
            end=locked.end,
            points_target=scheme.points_target,
        )
        existing = {r.person_id: r for r in locked.results.all()}
        AssessmentResult.objects.filter(round=locked).exclude(person_id__in=person_ids).delete()
        labels = {i.metric: (i.name, i.weight) for i in items if i.metric}
        for person_id in person_ids:
            seat = seats[person_id]
            result = existing.get(person_id) or AssessmentResult(round=locked, person_id=person_id)
            result.org, result.post = seat.org, seat.post
            result.metrics = {
                metric: {
                    "label": labels[metric][0],
                    "weight": labels[metric][1],
                    "numerator": values[person_id].numerator,
                    "denominator": values[person_id].denominator,
                    "score": values[person_id].score,
                    "records": values[person_id].records,
                }
                for metric, values in measured.items()
            }
            _retotal(result, items, scheme.grade_bands)
            result.save()
        old_status = locked.status
        locked.status, locked.computed_at = R.SCORING, timezone.now()
        locked.save(update_fields=["status", "computed_at"])
        _audit(
            actor=actor,
            action="round.compute",
            target=locked,
            history=RoundChange,
            link={"round": locked},
            old={"status": old_status},
            new={"status": locked.status, "results": len(person_ids)},
        )
    round.status, round.computed_at = locked.status, locked.computed_at
    return len(person_ids)


def _lock_result(result: AssessmentResult) -> AssessmentResult:
    return (
        AssessmentResult.objects.select_for_update(of=("self",))
        .select_related("round", "round__org", "round__scheme", "person", "org")
        .get(pk=result.pk)
    )


def result_score_manual(
    *, actor: User | None, result: AssessmentResult, scores: dict[str, Any]
) -> AssessmentResult:
    """Manual scores by a cadre while the round is being scored: 0 … each item's maximum."""
    with transaction.atomic():
        locked = _lock_result(result)
        round = locked.round
        _check_cadre(actor, round.org)
        _status_error(round, (R.SCORING,))
        items = list(round.scheme.items.all())
        errors: dict[str, list[str]] = {}
        manual = dict(locked.manual)
        for item in (i for i in items if i.is_manual):
            raw = scores.get(item.name)
            if raw is None or raw == "":
                continue
            try:
                value = Decimal(str(raw))
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite() or not 0 <= value <= item.weight:
                errors[item.name] = [
                    _("「%(name)s」须为0到%(max)s之间的分数")
                    % {"name": item.name, "max": item.weight}
                ]
                continue
            manual[item.name] = float(yuan(value))
        if errors:
            raise ValidationError(errors)
        old = {"manual": locked.manual, "total": str(locked.total)}
        locked.manual = manual
        _retotal(locked, items, round.scheme.grade_bands)
        locked.save()
        _audit(
            actor=actor,
            action="result.score",
            target=locked,
            history=ResultChange,
            link={"result": locked},
            old=old,
            new={"manual": manual, "total": str(locked.total)},
        )
    return locked


def round_publish(*, actor: User | None, round: AssessmentRound) -> AssessmentRound:
    with transaction.atomic():
        locked = _lock_round(round)
        _check_cadre(actor, locked.org)
        _status_error(locked, (R.SCORING,))
        manual_names = [i.name for i in locked.scheme.items.all() if i.is_manual]
        missing = sum(
            1
            for manual in locked.results.values_list("manual", flat=True)
            if any(name not in manual for name in manual_names)
        )
        if missing:
            raise ValidationError(_("还有%(n)s人未录入全部评分项目，不能公布") % {"n": missing})
        locked.status, locked.published_at = R.PUBLISHED, timezone.now()
        locked.save(update_fields=["status", "published_at"])
        _audit(
            actor=actor,
            action="round.publish",
            target=locked,
            history=RoundChange,
            link={"round": locked},
            old={"status": R.SCORING},
            new={"status": R.PUBLISHED},
        )
    return locked


def round_close(*, actor: User | None, round: AssessmentRound) -> AssessmentRound:
    with transaction.atomic():
        locked = _lock_round(round)
        _check_cadre(actor, locked.org)
        _status_error(locked, (R.PUBLISHED,))
        if Appeal.objects.filter(result__round=locked, status=Appeal.Status.PENDING).exists():
            raise ValidationError(_("还有未处理的申诉，不能结束"))
        locked.status = R.CLOSED
        locked.save(update_fields=["status"])
        _audit(
            actor=actor,
            action="round.close",
            target=locked,
            history=RoundChange,
            link={"round": locked},
            old={"status": R.PUBLISHED},
            new={"status": R.CLOSED},
        )
    return locked


def appeal_deadline(round: AssessmentRound) -> dt.datetime | None:
    if round.published_at is None:
        return None
    return round.published_at + dt.timedelta(days=APPEAL_DAYS)


def appeal_file(
    *, actor: User, result: AssessmentResult, reason: str, now: dt.datetime | None = None
) -> Appeal:
    """The executive herself, within 7 days of publishing, once per result."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写申诉理由")]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_result(result)
        if not actor.can_write or actor.person_id != locked.person_id:
            raise PermissionDenied
        deadline = appeal_deadline(locked.round)
        if locked.round.status != R.PUBLISHED or deadline is None:
            raise ValidationError(_("考核结果公布后才能申诉"))
        if now > deadline:
            raise ValidationError(_("申诉期已过（公布后%(days)s日内）") % {"days": APPEAL_DAYS})
        if Appeal.objects.filter(result=locked).exists():
            raise ValidationError(_("该考核结果已申诉过"))
        appeal = Appeal.objects.create(result=locked, reason=reason.strip(), filed_by=actor)
        _audit(
            actor=actor,
            action="appeal.file",
            target=locked,
            history=ResultChange,
            link={"result": locked},
            new={"appeal": Appeal.Status.PENDING},
            note=appeal.reason,
        )
    return appeal


def appeal_decide(
    *,
    actor: User | None,
    appeal: Appeal,
    accept: bool,
    decision: str = "",
    new_total: Decimal | None = None,
) -> Appeal:
    """Decided by a cadre of the round's unit or above (not the appellant): accept with an
    adjusted total, or reject with a reason."""
    with transaction.atomic():
        locked = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
        result = _lock_result(locked.result)
        _check_cadre(actor, result.round.org)
        if actor is not None and actor.person_id == result.person_id:
            raise PermissionDenied
        if locked.status != Appeal.Status.PENDING:
            raise ValidationError(_("该申诉已处理"))
        errors: dict[str, list[str]] = {}
        if accept and (new_total is None or not 0 <= new_total <= 100):
            errors["new_total"] = [_("采纳申诉须填写调整后的总分（0–100）")]
        if not accept and not decision.strip():
            errors["decision"] = [_("驳回申诉须填写理由")]
        if errors:
            raise ValidationError(errors)
        old = {"appeal": locked.status, "total": str(result.total), "grade": result.grade}
        locked.status = Appeal.Status.ACCEPTED if accept else Appeal.Status.REJECTED
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.decision = decision.strip()[:500]
        locked.old_total = result.total
        if accept and new_total is not None:
            result.total = yuan(new_total)
            result.grade = grade_for(result.total, result.round.scheme.grade_bands)
            result.adjusted = True
            result.save(update_fields=["total", "grade", "adjusted", "updated_at"])
        locked.new_total = result.total
        locked.save()
        _audit(
            actor=actor,
            action="appeal.accept" if accept else "appeal.reject",
            target=result,
            history=ResultChange,
            link={"result": result},
            old=old,
            new={"appeal": locked.status, "total": str(result.total), "grade": result.grade},
            note=locked.decision,
        )
    return locked


# --- allowances --------------------------------------------------------------------------------


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
        if locked.status != ST.DRAFT:
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
        actor=actor, statement=statement, source=ST.DRAFT, target=ST.CONFIRMED, stamp="confirmed_at"
    )


def statement_mark_paid(*, actor: User | None, statement: AllowanceStatement) -> AllowanceStatement:
    return _statement_move(
        actor=actor, statement=statement, source=ST.CONFIRMED, target=ST.PAID, stamp="paid_at"
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
        if locked.status == ST.DRAFT:
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
