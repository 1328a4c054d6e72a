from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.paginator import Paginator
from django.db.models.functions import Substr

from jinguo.activities import selectors, services, volunteers
from jinguo.activities.selectors import ActivityFilters
from jinguo.activities.tests.conftest import past
from jinguo.orgs import tree as tree_module
from jinguo.people.models import Person


def test_gangkou_chair_cannot_see_songhe_activities_teams_or_hours(world, cast):
    user = cast.gangkou_chair
    assert list(selectors.activity_list(user=user)) == [world.gangkou_activity]
    assert not selectors.team_list(user=user).exists()
    assert not selectors.hours_list(user=user).exists()
    assert not selectors.volunteer_list(user=user).exists()


def test_the_township_sees_both_villages_and_filters_by_subtree(world, cast, tree):
    user = cast.township_cadre
    assert selectors.activity_list(user=user).count() == 2
    only = selectors.activity_list(user=user, filters=ActivityFilters(org=tree.songhe))
    assert list(only) == [world.activity]


def test_administrators_see_no_activities(world, cast):
    assert not selectors.activity_list(user=cast.system_admin).exists()


def test_the_grid_member_sees_the_membership_of_her_own_volunteer(world, cast):
    # The team sits at the community; 李梅 lives in the grid member's grid.
    mine = volunteers.membership_add(
        actor=cast.songhe_chair, team=world.team, person=world.resident
    )
    found = selectors.membership_get_for_user(user=cast.wushan_member, membership_id=mine.pk)
    assert found == mine
    assert not selectors.hours_list(user=cast.wushan_member).filter(membership=world.membership)
    assert not selectors.team_list(user=cast.wushan_member).exists()


def test_venues_offered_are_those_of_the_org_its_ancestors_and_descendants_in_scope(
    world, cast, tree
):
    venues = set(selectors.venues_for_org(user=cast.township_cadre, org=tree.songhe))
    assert world.home in venues and world.gangkou_home not in venues


@pytest.fixture
def figures_world(world, cast, tree, people):
    """Held: the festival (12 人次), 2 haircuts (20 + 30), a volunteer lecture at 港口村
    (8); one planned and one cancelled haircut; 2 volunteers, 5.5 hours."""
    chair = cast.songhe_chair
    services.activity_hold(actor=chair, activity=world.activity, headcount=12, summary="好")
    series = services.series_create(
        actor=chair,
        org=tree.songhe,
        kind="volunteer_service",
        title="爱心义剪",
        rule="monthly",
        day_of_month=1,
        starts_on=past(120),
        venue=world.home,
    )
    occurrences = services.series_schedule(actor=chair, series=series, until=past(-40))
    held = [a for a in occurrences if a.starts_on <= past(0)]
    for a, n in zip(held[:2], (20, 30), strict=True):
        services.activity_hold(actor=chair, activity=a, headcount=n, summary="理发")
    services.activity_cancel(actor=chair, activity=held[2], reason="停电")
    gk = services.activity_create(
        actor=cast.gangkou_chair,
        org=tree.gangkou,
        kind="volunteer_service",
        title="义诊",
        starts_on=past(2),
    )
    services.activity_hold(actor=cast.gangkou_chair, activity=gk, headcount=8, summary="x")
    second = volunteers.membership_add(actor=chair, team=world.team, person=people.chengjiawan_exec)
    volunteers.hours_record(
        actor=chair, membership=world.membership, served_on=past(1), hours=Decimal(3)
    )
    volunteers.hours_record(actor=chair, membership=second, served_on=past(0), hours=Decimal("2.5"))
    return series


def _period():
    return past(365), past(0)


def test_figures_count_the_records_in_the_subtree_and_period(figures_world, cast, tree):
    start, end = _period()
    figures = {
        f.key: f.value
        for f in selectors.activities_figures(
            user=cast.township_cadre, org=tree.helixi, start=start, end=end
        )
    }
    assert figures["activities.held"] == 4
    assert figures["activities.person_times"] == 12 + 20 + 30 + 8
    assert figures["activities.held.volunteer_service"] == 3
    assert figures[f"activities.series.{figures_world.pk}"] == 2
    assert figures["activities.teams"] == 1
    assert figures["activities.volunteers"] == 2
    assert figures["activities.volunteer_activities"] == 3
    assert figures["activities.service_hours"] == 5.5
    songhe = {
        f.key: f.value
        for f in selectors.activities_figures(
            user=cast.township_cadre, org=tree.songhe, start=start, end=end
        )
    }
    assert songhe["activities.held"] == 3 and songhe["activities.person_times"] == 62


def test_figures_grouped_by_child_sum_to_the_figures_and_count_each_child(
    figures_world, cast, tree
):
    start, end = _period()
    org, user = tree.helixi, cast.township_cadre
    segment = Substr("org__path", len(org.path) + 1, tree_module.SEGMENT)
    grouped, by_child = selectors.activities_figures_by(
        user=user, org=org, start=start, end=end, group=segment
    )
    assert grouped == selectors.activities_figures(user=user, org=org, start=start, end=end)
    songhe = by_child[tree_module.segment(tree.songhe.pk)]
    assert songhe["person_times"] == 62
    assert sum(n for k, n in songhe.items() if k != "person_times") == 3


def test_every_figure_equals_what_its_linked_list_shows(figures_world, cast, tree, login):
    client = login(cast.township_cadre)
    start, end = _period()
    for figure in selectors.activities_figures(
        user=cast.township_cadre, org=tree.helixi, start=start, end=end
    ):
        response = client.get(figure.url)
        assert response.status_code == 200, figure.url
        rows = list(response.context["page"].paginator.object_list)
        if figure.key == "activities.person_times":
            shown = sum(a.headcount for a in rows)
        elif figure.key == "activities.service_hours":
            shown = float(sum(h.hours for h in rows))
        else:
            shown = len(rows)
        assert shown == figure.value, figure.key


def test_figure_urls_carry_the_org_and_the_period(figures_world, cast, tree):
    start, end = _period()
    figure = selectors.activities_figures(
        user=cast.township_cadre, org=tree.helixi, start=start, end=end
    )[0]
    params = dict(parse_qsl(urlsplit(figure.url).query))
    assert params == {
        "status": "held",
        "org": str(tree.helixi.pk),
        "start": str(start),
        "end": str(end),
    }


def _activities(n: int, cast, tree, world) -> None:
    for i in range(n):
        a = services.activity_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            kind="lecture",
            title=f"宣讲{i}",
            starts_on=past(i % 20),
            venue=world.home,
        )
        services.activity_register(actor=cast.songhe_chair, activity=a, name="甲")


def _memberships(n: int, cast, tree, world, offset: int) -> None:
    for i in range(n):
        person = Person.objects.create(org=tree.songhe, name=f"志愿者{offset + i}")
        m = volunteers.membership_add(actor=cast.songhe_chair, team=world.team, person=person)
        volunteers.hours_record(
            actor=cast.songhe_chair, membership=m, served_on=past(0), hours=Decimal(1)
        )


def test_lists_do_not_query_per_row(world, cast, tree, count_queries):
    user = cast.songhe_chair

    def run() -> None:
        for qs in (
            selectors.activity_list(user=user),
            selectors.team_list(user=user),
            selectors.hours_list(user=user),
            selectors.volunteer_list(user=user),
            selectors.series_list(user=user),
        ):
            page = Paginator(qs, 200).get_page(1)
            for row in page:
                str(row)
                getattr(row, "org", None)
                for m in getattr(row, "open_memberships", []):
                    str(m.team)
                if hasattr(row, "membership"):
                    str(row.membership.team), str(row.membership.person)
                if hasattr(row, "venue"):
                    str(row.venue)

    _activities(3, cast, tree, world)
    _memberships(3, cast, tree, world, 0)
    small = count_queries(run)
    _activities(6, cast, tree, world)
    _memberships(6, cast, tree, world, 100)
    assert count_queries(run) == small


def test_team_members_carry_their_hours(world, cast, count_queries):
    volunteers.hours_record(
        actor=cast.songhe_chair, membership=world.membership, served_on=past(1), hours=Decimal(2)
    )
    members = list(selectors.team_members(team=world.team))
    assert getattr(members[0], "total_hours") == Decimal(2)  # noqa: B009
    assert past(0) >= members[0].joined_on


def test_held_activities_per_child_unit_link_to_their_lists(figures_world, cast, tree, login):
    start, end = _period()
    rows = selectors.activities_by_child(
        user=cast.township_cadre, org=tree.helixi, start=start, end=end
    )
    by_name = {r.org.name: (r.held, r.person_times) for r in rows}
    assert by_name == {"嵩合社区": (3, 62), "港口村": (1, 8)}
    client = login(cast.township_cadre)
    for row in rows:
        assert client.get(row.url).context["page"].paginator.count == row.held
    mine = selectors.activities_by_child(
        user=cast.songhe_chair, org=tree.songhe, start=start, end=end
    )
    assert {r.org.name for r in mine} == {"巫山组网格", "程家湾组网格"}
