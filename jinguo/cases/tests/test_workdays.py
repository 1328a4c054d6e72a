import datetime as dt

import pytest

from jinguo.cases.models import Holiday
from jinguo.cases.workdays import (
    add_working_days,
    add_working_days_loaded,
    is_working_day,
    load_holidays,
    working_days_between,
)

D = dt.date


def national_day_2026() -> dict[dt.date, bool]:
    days = {D(2026, 10, d): False for d in range(1, 8)}
    days[D(2026, 9, 20)] = True  # Sunday, make-up working day
    days[D(2026, 10, 10)] = True  # Saturday, make-up working day
    return days


def test_weekdays_count_and_weekends_do_not():
    assert add_working_days(D(2026, 3, 6), 1, {}) == D(2026, 3, 9)  # Friday → Monday
    assert add_working_days(D(2026, 3, 2), 4, {}) == D(2026, 3, 6)
    assert add_working_days(D(2026, 3, 2), 5, {}) == D(2026, 3, 9)


def test_zero_working_days_is_the_start_itself():
    assert add_working_days(D(2026, 3, 7), 0, {}) == D(2026, 3, 7)


def test_national_day_is_skipped_and_the_make_up_saturday_counts():
    h = national_day_2026()
    # Wednesday 30 Sep + 1 working day: Oct 1–7 off, so Thursday 8 Oct.
    assert add_working_days(D(2026, 9, 30), 1, h) == D(2026, 10, 8)
    # 8 Thu, 9 Fri, 10 Sat (make-up), 12 Mon.
    assert add_working_days(D(2026, 9, 30), 3, h) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4, h) == D(2026, 10, 12)


def test_a_make_up_sunday_is_a_working_day():
    h = national_day_2026()
    assert is_working_day(D(2026, 9, 20), h)
    assert add_working_days(D(2026, 9, 19), 1, h) == D(2026, 9, 20)
    assert not is_working_day(D(2026, 10, 5), h)  # a Monday off


def test_working_days_between_inverts_add_working_days():
    h = national_day_2026()
    start = D(2026, 9, 18)
    for n in range(0, 25):
        assert working_days_between(start, add_working_days(start, n, h), h) == n
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 7), h) == 0
    assert working_days_between(D(2026, 10, 8), D(2026, 10, 1), h) == 0


@pytest.mark.django_db
def test_the_migration_calendar_holds_national_day_2026():
    assert Holiday.objects.get(date=D(2026, 10, 10)).is_workday
    assert not Holiday.objects.get(date=D(2026, 10, 1)).is_workday
    assert add_working_days_loaded(D(2026, 9, 30), 3) == D(2026, 10, 10)


@pytest.mark.django_db
def test_holidays_load_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        h = load_holidays(D(2026, 1, 1), D(2026, 12, 31))
    assert h[D(2026, 2, 14)] is True and h[D(2026, 2, 17)] is False
    assert add_working_days(D(2026, 2, 13), 1, h) == D(2026, 2, 14)  # 春节 make-up Saturday
    assert add_working_days(D(2026, 2, 14), 1, h) == D(2026, 2, 24)
