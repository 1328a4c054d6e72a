"""The executive's own points page (/points/): a summary (balance, this year's points), her
latest entries and a link to all of them (/points/history/: each earning once, newest first,
50 a page), and duty records not yet collected shown as pending, outside the balance."""

import datetime as dt
import re

from django.utils import timezone

from jinguo.households.tests.factories import household
from jinguo.points import services
from jinguo.points.models import Kind, PointEntry
from jinguo.points.tests.conftest import D, give, visit


def _earnings(cast, person, n: int) -> list[PointEntry]:
    """n approved bonuses on n different days, written in shuffled order of their days."""
    days = [D - dt.timedelta(days=i) for i in range(n)]
    days = days[1::2] + days[::2]  # not in date order
    return [give(cast.songhe_chair, person, 1, day=day) for day in days]


def _entry_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/points/entries/(\d+)/"', html)]


def test_my_points_list_each_earning_once_newest_first_fifty_a_page(
    pts, cast, people, login, django_assert_max_num_queries
):
    earned = _earnings(cast, people.wushan_exec, 60)
    approvals = PointEntry.objects.filter(kind=Kind.APPROVE, person=people.wushan_exec)
    assert approvals.count() == 60  # each earning is two ledger rows: the earn, its approval
    client = login(cast.wushan_member)
    with django_assert_max_num_queries(21):  # no query per row (21: the navbar's unread count)
        first = client.get("/points/history/")
    second = client.get("/points/history/", {"page": 2})
    assert first.context["page"].paginator.count == 60
    shown = _entry_ids(first.content.decode()) + _entry_ids(second.content.decode())
    assert len(_entry_ids(first.content.decode())) == 50
    assert sorted(shown) == sorted(e.pk for e in earned)  # each earning once, no approvals
    days = [PointEntry.objects.get(pk=pk).day for pk in shown]
    assert days == sorted(days, reverse=True)
    summary = client.get("/points/")
    assert summary.context["balance"] == 60
    assert _entry_ids(summary.content.decode()) == shown[:5]  # the latest five, then «全部»
    assert summary.context["entry_count"] == 60


def test_a_visit_recorded_today_shows_as_pending_and_not_in_the_balance(pts, cast, people, login):
    today = timezone.localdate()
    h = household(pts.ws.grid, "WS-9")
    visit(h, today, cast.wushan_member, people.wushan_exec)
    give(cast.songhe_chair, people.wushan_exec, 5)
    client = login(cast.wushan_member)
    page = client.get("/points/")
    waiting = page.context["uncollected"]
    assert [(u.action, u.day, u.points) for u in waiting] == [("visit", today, 1)]
    assert page.context["balance"] == 5
    html = page.content.decode()
    assert "待收集" in html and "不计入可用积分" in html
    # Once collected, it is a pending earn (still outside the balance), listed once.
    services.points_collect(org=pts.ws.grid, start=today, end=today)
    page = client.get("/points/")
    assert page.context["uncollected"] == []
    assert page.context["pending_count"] == 1 and page.context["balance"] == 5
    earn = PointEntry.objects.get(
        person=people.wushan_exec, source_id__startswith="visit:", day=today
    )
    assert _entry_ids(page.content.decode()).count(earn.pk) == 1


def test_this_years_points_leave_out_last_years_and_pending_ones(pts, cast, people, login):
    today = timezone.localdate()
    give(cast.songhe_chair, people.wushan_exec, 3, day=today)
    give(cast.songhe_chair, people.wushan_exec, 7, day=today.replace(year=today.year - 1))
    h = household(pts.ws.grid, "WS-9")
    visit(h, today, cast.wushan_member, people.wushan_exec)
    services.points_collect(org=pts.ws.grid, start=today, end=today)  # pending, not approved
    page = login(cast.wushan_member).get("/points/")
    assert page.context["this_year"] == 3 and page.context["balance"] == 10
    assert page.context["pending_count"] == 1
