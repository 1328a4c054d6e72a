"""Pure rules: weights, grade bands, redistribution, overdue days, months served, duty days."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jinguo.assessments import services
from jinguo.assessments.allowances import annual_share, months_served
from jinguo.assessments.facts import duty_days_by_person
from jinguo.assessments.metrics import household_on_time, points_scores
from jinguo.assessments.models import SchemeItem
from jinguo.assessments.services import grade_for, score_total, validate_grade_bands

BANDS = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60},
         {"name": "不合格", "min": 0}]  # fmt: skip
D = dt.date


def test_scheme_weights_must_sum_to_100(tree, cast):
    with pytest.raises(ValidationError) as exc:
        services.scheme_create(
            actor=cast.county_cadre,
            org=tree.ningguo,
            name="方案",
            valid_from=D(2025, 1, 1),
            items=[{"metric": "visits", "weight": 50}, {"name": "日常表现", "weight": 40}],
        )
    assert "各项权重之和须为100，现为90" in exc.value.message_dict["items"]


def test_scheme_rejects_a_metric_twice_and_bad_bands(tree, cast):
    with pytest.raises(ValidationError) as exc:
        services.scheme_create(
            actor=cast.county_cadre,
            org=tree.ningguo,
            name="方案",
            valid_from=D(2025, 1, 1),
            items=[{"metric": "visits", "weight": 50}, {"metric": "visits", "weight": 50}],
            grade_bands=[{"name": "优秀", "min": 90}],
        )
    assert set(exc.value.message_dict) == {"items", "grade_bands"}


def test_grade_bands_take_the_highest_band_reached():
    assert grade_for(Decimal("90"), BANDS) == "优秀"
    assert grade_for(Decimal("89.99"), BANDS) == "良好"
    assert grade_for(Decimal("60"), BANDS) == "合格"
    assert grade_for(Decimal("59.5"), BANDS) == "不合格"
    assert validate_grade_bands(list(reversed(BANDS)))[0]["name"] == "优秀"


def _items():
    return [
        SchemeItem(metric="visits", name="走访", weight=40),
        SchemeItem(metric="satisfaction", name="满意度", weight=20),
        SchemeItem(metric="", name="日常表现", weight=40),
    ]


def test_total_is_weighted_scores_plus_manual():
    total, _ = score_total(
        items=_items(), measured={"visits": 50.0, "satisfaction": 75.0}, manual={"日常表现": 30}
    )
    assert total == Decimal("65.00")  # 40×0.5 + 20×0.75 + 30


def test_weight_of_a_metric_without_data_is_spread_over_the_others():
    total, effective = score_total(
        items=_items(), measured={"visits": 50.0, "satisfaction": None}, manual={"日常表现": 30}
    )
    # 80 weight left, each item × 100/80: 40×1.25×0.5 + 30×1.25 = 25 + 37.5
    assert total == Decimal("62.50")
    assert effective == {"visits": 50.0, "satisfaction": 0.0, "日常表现": 50.0}


def test_household_is_on_time_only_without_an_overdue_day_in_the_period():
    q = {"start": D(2025, 1, 1), "end": D(2025, 3, 31)}
    # 30-day interval, visited 12-20, 01-15, 02-10, 03-05: due 01-19, 02-14, 03-12, 04-04.
    visits = [D(2025, 1, 15), D(2025, 2, 10), D(2025, 3, 5)]
    assert household_on_time(anchor=D(2024, 12, 20), interval=30, visits=visits, **q)
    # Visited 02-20 after being due 02-14: overdue from 02-15.
    assert not household_on_time(
        anchor=D(2024, 12, 20), interval=30, visits=[D(2025, 1, 15), D(2025, 2, 20)], **q
    )
    # Last visit 03-05 → due 04-04, after the period: still on time.
    assert household_on_time(anchor=D(2025, 3, 5), interval=30, visits=[], **q)
    # Already overdue when the period starts.
    assert not household_on_time(anchor=D(2024, 11, 1), interval=30, visits=[D(2025, 1, 2)], **q)


def test_months_served_count_months_with_at_least_half_their_days():
    year: dict[str, Any] = {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}
    assert months_served(spans=[(D(2020, 1, 1), None)], **year) == 12
    # From 03-17: March has 15 of 31 days (< half) → April–December = 9.
    assert months_served(spans=[(D(2025, 3, 17), None)], **year) == 9
    # From 03-16: 16 days of March → 10. Ended 06-14: June has 14 of 30 → not counted.
    assert months_served(spans=[(D(2025, 3, 16), D(2025, 6, 14))], **year) == 3
    # Two seats covering halves of February together (28 days: 14 needed).
    spans = [(D(2025, 2, 1), D(2025, 2, 7)), (D(2025, 2, 20), D(2025, 2, 26))]
    assert months_served(spans=spans, **year) == 1
    assert annual_share(Decimal("900"), 9) == Decimal("675.00")
    assert annual_share(Decimal("900"), 7) == Decimal("525.00")
    assert annual_share(Decimal("1000"), 1) == Decimal("83.33")


def test_duty_days_are_distinct_days_with_a_record_capped_per_month(tree):
    facts = [
        (1, D(2025, 1, 3), "visit:1", 0),
        (1, D(2025, 1, 3), "case:1", 0),  # same day: one duty day
        (1, D(2025, 1, 4), "visit:2", 0),
        (1, D(2025, 1, 5), "meeting:1", 0),
        (1, D(2025, 2, 1), "visit:3", 0),
        (2, D(2025, 1, 9), "visit:4", 0),
        (2, D(2024, 12, 31), "visit:5", 0),  # outside the period
    ]
    period = {"org": tree.songhe, "start": D(2025, 1, 1), "end": D(2025, 12, 31)}
    assert duty_days_by_person(facts=facts, **period) == {1: 4, 2: 1}
    assert duty_days_by_person(facts=facts, cap_per_month=2, **period) == {1: 3, 2: 1}


def test_points_are_scored_against_the_target_or_the_best():
    by_best = points_scores({1: 50, 2: 100, 3: 0}, None)
    assert [by_best[p].score for p in (1, 2, 3)] == [50.0, 100.0, 0.0]
    by_target = points_scores({1: 50, 2: 300}, 200)
    assert [by_target[p].score for p in (1, 2)] == [25.0, 100.0]
    assert points_scores({1: 0}, None)[1].score is None
