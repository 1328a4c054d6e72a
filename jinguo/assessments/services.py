"""Writes of assessment schemes and rounds (computing and scoring results, publishing,
closing). Every state change locks its row, validates, writes a *Change history row and an
audit row.

Scoring (documented rule): a measured metric scores 0–100 and contributes weight × score / 100;
a manual item contributes its entered score (0 … its maximum, which is its weight). Weights and
maxima sum to 100. A measured metric with no data (no denominator: no key households, no cases,
no meetings, no ratings, no points module) does not count against her: its weight is spread
over the other items in proportion to their weights, i.e. every other item is multiplied by
100 / (100 − missing weight).

Appeals are in jinguo.assessments.appeals, allowances in jinguo.assessments.allowances; the
common frame (permissions, history and audit rows, yuan) in jinguo.assessments.frame.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.assessments import metrics
from jinguo.assessments.frame import _audit, _check_cadre, yuan
from jinguo.assessments.models import (
    Appeal,
    AssessmentResult,
    AssessmentRound,
    AssessmentScheme,
    Metric,
    ResultChange,
    RoundChange,
    SchemeChange,
    SchemeItem,
    default_grade_bands,
)
from jinguo.common import dates
from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ExecutiveSeat

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
        _status_error(locked, (AssessmentRound.Status.OPEN, AssessmentRound.Status.SCORING))
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
        locked.status, locked.computed_at = AssessmentRound.Status.SCORING, timezone.now()
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
        _status_error(round, (AssessmentRound.Status.SCORING,))
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
        _status_error(locked, (AssessmentRound.Status.SCORING,))
        manual_names = [i.name for i in locked.scheme.items.all() if i.is_manual]
        missing = sum(
            1
            for manual in locked.results.values_list("manual", flat=True)
            if any(name not in manual for name in manual_names)
        )
        if missing:
            raise ValidationError(_("还有%(n)s人未录入全部评分项目，不能公布") % {"n": missing})
        locked.status, locked.published_at = AssessmentRound.Status.PUBLISHED, timezone.now()
        locked.save(update_fields=["status", "published_at"])
        _audit(
            actor=actor,
            action="round.publish",
            target=locked,
            history=RoundChange,
            link={"round": locked},
            old={"status": AssessmentRound.Status.SCORING},
            new={"status": AssessmentRound.Status.PUBLISHED},
        )
    return locked


def round_close(*, actor: User | None, round: AssessmentRound) -> AssessmentRound:
    with transaction.atomic():
        locked = _lock_round(round)
        _check_cadre(actor, locked.org)
        _status_error(locked, (AssessmentRound.Status.PUBLISHED,))
        if Appeal.objects.filter(result__round=locked, status=Appeal.Status.PENDING).exists():
            raise ValidationError(_("还有未处理的申诉，不能结束"))
        locked.status = AssessmentRound.Status.CLOSED
        locked.save(update_fields=["status"])
        _audit(
            actor=actor,
            action="round.close",
            target=locked,
            history=RoundChange,
            link={"round": locked},
            old={"status": AssessmentRound.Status.PUBLISHED},
            new={"status": AssessmentRound.Status.CLOSED},
        )
    return locked
