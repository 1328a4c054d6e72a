"""The home page is today's work: a grid member's households to visit, cases she handles, the
week's meetings and activities and her points; a cadre's cases to accept, verify and supervise
and submissions to review; a leader reads the same without action buttons."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases import services as case_services
from jinguo.cases.tests.factories import report
from jinguo.households.models import Household
from jinguo.households.tests.factories import household, person


def _plan(h: Household, due: dt.date) -> None:
    Household.objects.filter(pk=h.pk).update(visit_interval_days=7, visit_due_on=due)


def _households(grid, prefix: str, n: int, due: dt.date) -> list[Household]:
    rows = []
    for i in range(n):
        h = household(grid, f"{prefix}-{i}", head=person(grid, f"户主{prefix}{i}"))
        _plan(h, due)
        rows.append(h)
    return rows


@pytest.fixture
def work(tree, cast, people) -> SimpleNamespace:
    today = timezone.localdate()
    w = SimpleNamespace(today=today)
    w.overdue = _households(tree.wushan, "WS", 7, today - dt.timedelta(days=3))
    w.due = _households(tree.wushan, "WD", 2, today + dt.timedelta(days=2))
    w.later = _households(tree.wushan, "WL", 1, today + dt.timedelta(days=30))
    w.other = _households(tree.gangkou_grid, "GK", 1, today - dt.timedelta(days=3))
    case = case_services.case_accept(actor=None, case=report(tree.wushan, title="邻里纠纷甲"))
    w.mine = case_services.case_dispatch(actor=None, case=case, assignee=people.wushan_exec)
    w.to_accept = report(tree.songhe, title="待受理的婆媳矛盾")
    w.county_case = report(tree.ningguo, title="县级待受理诉求")
    return w


def _home(login, user) -> str:
    return login(user).get(reverse("home")).content.decode()


def _count_link(html: str, key: str) -> tuple[str, str]:
    match = re.search(rf'href="([^"]+)" data-count="{key}">([^<]*)<', html)
    assert match, key
    return match.group(1).replace("&amp;", "&"), match.group(2)


def test_grid_member_sees_her_overdue_households_and_not_another_grids(cast, login, work):
    html = _home(login, cast.wushan_member)
    for h in work.overdue[:5] + work.due:
        assert f"{reverse('visits:create')}?household={h.pk}" in html
    assert f"?household={work.other[0].pk}" not in html
    assert f"?household={work.later[0].pk}" not in html
    assert "巫山组网格" in html


def test_grid_member_home_shows_the_first_five_overdue_and_counts_them_all(cast, login, work):
    html = _home(login, cast.wushan_member)
    assert html.count(f"{reverse('visits:create')}?household=") == 5 + 2
    url, text = _count_link(html, "visits-overdue")
    assert "7" in text and url == reverse("visits:todo") + "?overdue=1"
    page = login(cast.wushan_member).get(url)
    assert page.context["page"].paginator.count == 7


def test_the_todo_count_links_to_exactly_the_households_behind_it(cast, login, work):
    html = _home(login, cast.wushan_member)
    url, text = _count_link(html, "visits-todo")
    assert "9" in text
    assert login(cast.wushan_member).get(url).context["page"].paginator.count == 9


def test_grid_member_sees_the_case_she_handles_with_its_time_left(cast, login, work):
    html = _home(login, cast.wushan_member)
    assert "邻里纠纷甲" in html and "剩 " in html
    url, text = _count_link(html, "cases-mine")
    assert "1" in text
    listed = login(cast.wushan_member).get(url).content.decode()
    assert "邻里纠纷甲" in listed and "待受理的婆媳矛盾" not in listed


def test_grid_member_sees_her_points_balance_linking_to_her_points(cast, login, work):
    html = _home(login, cast.wushan_member)
    url, _text = _count_link(html, "points-balance")
    assert url == reverse("points:mine")


def test_a_cadre_sees_the_cases_to_accept_with_an_action_button(cast, login, work):
    html = _home(login, cast.songhe_chair)
    assert "待受理的婆媳矛盾" in html
    assert (
        f'class="btn btn-sm btn-primary" href="{reverse("cases:detail", args=[work.to_accept.pk])}"'
        in html
    )
    url, text = _count_link(html, "cases-accept")
    assert "1" in text
    listed = login(cast.songhe_chair).get(url).content.decode()
    assert "待受理的婆媳矛盾" in listed and "邻里纠纷甲" not in listed


def test_a_leader_reads_what_waits_without_action_buttons(cast, login, work):
    html = _home(login, cast.county_leader)
    assert "县级待受理诉求" in html
    assert "btn-primary" not in html


def test_a_grid_member_has_no_cadre_queue(cast, login, work):
    html = _home(login, cast.wushan_member)
    assert "待受理的婆媳矛盾" not in html and 'data-count="cases-accept"' not in html


@pytest.mark.parametrize(
    ("username", "target"),
    [("security_admin", "/accounts/security/"), ("audit_admin", "/audit/")],
)
def test_the_three_admins_still_land_on_their_tools(cast, login, work, username, target):
    response = login(getattr(cast, username)).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == target


def test_my_households_is_in_the_menu_for_a_user_with_a_person(cast, login, work):
    assert reverse("households:mine") in _home(login, cast.wushan_member)
    assert reverse("households:mine") not in _home(login, cast.county_cadre)


def test_the_home_page_queries_do_not_grow_with_households_or_cases(
    tree, cast, people, login, work, count_queries
):
    client = login(cast.wushan_member)
    client.get(reverse("home"))  # warm the caches (menu, settings)
    before = count_queries(lambda: client.get(reverse("home")))
    _households(tree.wushan, "MORE", 12, work.today - dt.timedelta(days=1))
    for i in range(4):
        case = case_services.case_accept(actor=None, case=report(tree.wushan, title=f"更多{i}"))
        case_services.case_dispatch(actor=None, case=case, assignee=people.wushan_exec)
    after = count_queries(lambda: client.get(reverse("home")))
    assert after == before
    assert after <= 25, after


def test_the_weeks_meetings_and_activities_are_counted_and_linked(tree, cast, login, work):
    from jinguo.activities.services import activity_create
    from jinguo.meetings.tests.factories import plan

    plan(tree.songhe, title="本周妇女议事会", days_ahead=2)
    plan(tree.songhe, title="下月妇女议事会", days_ahead=40)
    plan(tree.gangkou, title="港口村议事会", days_ahead=2)
    for org, title in ((tree.songhe, "本周游园"), (tree.gangkou, "港口宣讲")):
        activity_create(actor=None, org=org, kind="festival", title=title, starts_on=work.today)
    client = login(cast.songhe_chair)
    html = client.get(reverse("home")).content.decode()
    assert "本周妇女议事会" in html and "下月妇女议事会" not in html and "港口村议事会" not in html
    assert "本周游园" in html and "港口宣讲" not in html
    for key in ("meetings-week", "activities-week"):
        url, text = _count_link(html, key)
        assert "1" in text
        assert client.get(url).context["page"].paginator.count == 1


def test_a_cadres_home_queries_do_not_grow_with_cases(tree, cast, login, work, count_queries):
    client = login(cast.songhe_chair)
    client.get(reverse("home"))
    before = count_queries(lambda: client.get(reverse("home")))
    for i in range(6):
        report(tree.songhe, title=f"又一件{i}")
    after = count_queries(lambda: client.get(reverse("home")))
    assert after == before
    assert after <= 25, after
