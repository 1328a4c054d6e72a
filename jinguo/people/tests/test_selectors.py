import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.households.models import GridAssignment, Household, HouseholdAssignment, Resident
from jinguo.households.tests.factories import household as make_household
from jinguo.households.tests.factories import person as make_resident_person
from jinguo.people.models import ExecutiveSeat
from jinguo.people.posts import rotation_create, seat_end, team_create, team_member_add
from jinguo.people.selectors import (
    RosterFilters,
    executive_roster,
    person_get_for_user,
    person_list,
    roster_person_count,
    seat_get_for_user,
    team_get_for_user,
    team_list,
)
from jinguo.people.tests.factories import (
    TERM_START,
    build_songhe,
    make_executive,
    make_id,
    make_id_ending_in_x,
    make_person,
)


def names(people) -> set[str]:
    return {p.name for p in people}


@pytest.fixture
def folk(tree):
    return {
        "wang": make_person(tree.songhe, "王小红", id_number=make_id(), phone="13912345678"),
        "zhang": make_person(tree.wushan, "张秀英", id_number=make_id_ending_in_x()),
        "gang": make_person(tree.gangkou, "港红梅", phone="13812340000"),
    }


# --- search -------------------------------------------------------------------------------------


def test_search_by_part_of_the_name(cast, folk):
    assert names(person_list(user=cast.songhe_chair, query="小红")) == {"王小红"}


@pytest.mark.parametrize("typed", ["wxh", "WX", "w"])
def test_search_by_pinyin_initials(cast, folk, typed):
    assert names(person_list(user=cast.songhe_chair, query=typed)) == {"王小红"}


def test_search_by_the_last_four_of_the_id_number_including_x(cast, folk):
    tail = folk["zhang"].id_tail
    assert tail.endswith("X")
    assert names(person_list(user=cast.songhe_chair, query=tail.lower())) == {"张秀英"}


def test_search_by_the_last_four_of_the_phone(cast, folk):
    assert names(person_list(user=cast.songhe_chair, query="5678")) == {"王小红"}


def test_search_by_a_whole_id_number(cast, folk):
    number = folk["wang"].id_number
    assert names(person_list(user=cast.songhe_chair, query=number)) == {"王小红"}


def test_search_never_reaches_out_of_scope(cast, folk):
    assert names(person_list(user=cast.songhe_chair, query="0000")) == set()
    assert names(person_list(user=cast.township_cadre, query="0000")) == {"港红梅"}


# --- scope --------------------------------------------------------------------------------------


def test_a_village_sees_its_own_people_only(cast, folk):
    assert names(person_list(user=cast.songhe_chair)) == {"王小红", "张秀英"}
    assert names(person_list(user=cast.gangkou_chair)) == {"港红梅"}


def test_another_villages_person_is_404(cast, folk):
    with pytest.raises(Http404):
        person_get_for_user(user=cast.songhe_chair, person_id=folk["gang"].pk)


def test_a_grid_member_sees_only_the_people_of_her_grid(cast, folk):
    assert names(person_list(user=cast.wushan_member)) == {"张秀英"}
    with pytest.raises(Http404):
        person_get_for_user(user=cast.wushan_member, person_id=folk["wang"].pk)


def test_a_leader_reads_but_may_not_write(cast, folk):
    person = person_get_for_user(user=cast.county_leader, person_id=folk["wang"].pk)
    assert person == folk["wang"]
    with pytest.raises(PermissionDenied):
        person_get_for_user(user=cast.county_leader, person_id=folk["wang"].pk, for_write=True)


@pytest.mark.parametrize("username", ["system_admin", "security_admin", "audit_admin"])
def test_administrators_see_no_one(cast, folk, username):
    assert not person_list(user=getattr(cast, username)).exists()


def test_list_can_be_limited_to_a_subtree(tree, cast, folk):
    assert names(person_list(user=cast.songhe_chair, org=tree.wushan)) == {"张秀英"}


def test_residents_of_a_household_assigned_to_a_grid_member_elsewhere_are_visible(
    tree, cast, people, folk
):
    """She looks after the family, so she can reach its members, though they live elsewhere."""
    household = Household.objects.create(number="H-1", grid=tree.chengjiawan)
    resident = make_person(tree.chengjiawan, "程小妹")
    Resident.objects.create(household=household, person=resident, relation="head")
    assert "程小妹" not in names(person_list(user=cast.wushan_member))
    HouseholdAssignment.objects.create(
        household=household,
        executive=people.wushan_exec,
        kind=HouseholdAssignment.Kind.RESPONSIBLE,
        start_date=TERM_START,
    )
    assert "程小妹" in names(person_list(user=cast.wushan_member))
    assert person_get_for_user(user=cast.wushan_member, person_id=resident.pk) == resident


# --- executive roster ---------------------------------------------------------------------------


def test_roster_lists_serving_executives_of_the_subtree_with_grids_and_households(tree, cast):
    songhe = build_songhe(tree)
    wang = songhe.leaders[0]
    GridAssignment.objects.create(executive=wang, grid=tree.wushan, start_date=TERM_START)
    for i in range(3):
        household = Household.objects.create(number=f"H-{i}", grid=tree.wushan)
        HouseholdAssignment.objects.create(
            household=household,
            executive=wang,
            kind=HouseholdAssignment.Kind.RESPONSIBLE,
            start_date=TERM_START,
            end_date=dt.date(2024, 1, 1) if i == 2 else None,  # handed over
        )
    gone = songhe.cadres[2].seats.get()
    seat_end(actor=None, seat=gone, ended_on=dt.date(2024, 1, 1), reason="换届")
    make_executive(tree.gangkou, "港红梅")
    seats: list[Any] = list(executive_roster(user=cast.songhe_chair, org=tree.songhe))
    assert len(seats) == 8 and gone not in seats
    assert seats[0].post == ExecutiveSeat.Post.CHAIR  # committee order, not alphabetical
    row = next(s for s in seats if s.person == wang)
    assert row.household_count == 2
    assert [a.grid for a in row.person.open_grids] == [tree.wushan]
    assert [p.kind for p in row.person.open_posts] == ["group_leader"]


def test_roster_does_not_query_per_row(tree, cast, count_queries):
    def run():
        seat: Any
        for seat in executive_roster(user=cast.songhe_chair, org=tree.songhe):
            _ = (seat.person.name, seat.org.name, seat.household_count)
            _ = [p.org.name for p in seat.person.open_posts]
            _ = [a.grid.name for a in seat.person.open_grids]

    for i in range(3):
        make_executive(tree.songhe, f"执委{i}", concurrent=("grid_worker", tree.wushan))
    few = count_queries(run)
    for i in range(9):
        person = make_executive(tree.songhe, f"新执委{i}", concurrent=("grid_head", tree.wushan))
        GridAssignment.objects.create(executive=person, grid=tree.wushan, start_date=TERM_START)
    assert count_queries(run) == few


def test_roster_filters_by_post_education_party_and_concurrent_post(tree, cast):
    build_songhe(tree)

    def count(**params):
        seats = executive_roster(
            user=cast.songhe_chair, org=tree.songhe, filters=RosterFilters.from_params(params)
        )
        return roster_person_count(seats)

    assert count() == 9
    assert count(post="chair") == 1
    assert count(education="college_plus") == 6
    assert count(education="senior", party="1") == 0
    assert count(party="1") == 4
    assert count(concurrent="group_leader") == 6
    assert count(concurrent="any") == 9
    assert count(post="nonsense") == 9  # unknown values are ignored


def test_a_grid_member_sees_no_seat_of_her_community(tree, cast, people):
    seat = make_executive(tree.songhe, "陈芳").seats.get()
    assert not executive_roster(user=cast.wushan_member, org=tree.wushan).exists()
    with pytest.raises(Http404):
        seat_get_for_user(user=cast.wushan_member, seat_id=seat.pk)


# --- teams --------------------------------------------------------------------------------------


def test_team_list_has_current_members_and_the_rotation_calendar(tree, cast, count_queries):
    today = dt.date(2026, 3, 10)

    def build(n: int) -> None:
        for i in range(n):
            team = team_create(actor=None, org=tree.songhe, name=f"服务队{n}-{i}")
            person = make_executive(tree.songhe, f"队员{n}-{i}")
            team_member_add(actor=None, team=team, person=person, start_date=TERM_START)
            rotation_create(actor=None, team=team, person=person, start_date=today, end_date=today)
            rotation_create(  # long past: not on the calendar
                actor=None,
                team=team,
                person=person,
                start_date=dt.date(2025, 1, 1),
                end_date=dt.date(2025, 1, 7),
            )

    def run():
        team: Any
        for team in team_list(user=cast.songhe_chair, org=tree.songhe, today=today):
            _ = [m.person.name for m in team.current_members]
            _ = [r.person.name for r in team.calendar]

    build(2)
    few = count_queries(run)
    build(6)
    assert count_queries(run) == few
    teams: list[Any] = list(team_list(user=cast.songhe_chair, org=tree.songhe, today=today))
    assert len(teams) == 8 and all(len(t.calendar) == 1 for t in teams)
    with pytest.raises(Http404):
        team_get_for_user(user=cast.gangkou_chair, team_id=teams[0].pk)


def test_a_grid_member_reads_but_may_not_write_a_resident_kept_at_another_grid(tree, cast):
    """A family registered at 港口一组网格 lives in 巫山组网格: its member shows to the grid member
    there (reading is the household's rule), but the person is kept at 港口一组网格 and only
    its writers change her (the write rule, stricter, wins)."""
    resident = make_resident_person(tree.gangkou_grid, "港秀芳")
    make_household(tree.gangkou_grid, "GK-9", head=resident, living_grid=tree.wushan)
    seen = person_get_for_user(user=cast.wushan_member, person_id=resident.pk)
    assert seen == resident
    with pytest.raises(PermissionDenied):
        person_get_for_user(user=cast.wushan_member, person_id=resident.pk, for_write=True)
    writable = person_get_for_user(user=cast.gangkou_chair, person_id=resident.pk, for_write=True)
    assert writable == resident
