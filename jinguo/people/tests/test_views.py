import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.people.models import DutyRotation, ExecutiveSeat, Person, TeamMembership
from jinguo.people.posts import rotation_create, team_create, team_member_add
from jinguo.people.tests.factories import TERM_START, make_executive, make_id, make_person

PHONE = "13912345678"


def village(org, name: str) -> SimpleNamespace:
    """One executive with a seat, a concurrent post and a team: something behind every page."""
    v = SimpleNamespace(org=org)
    v.person = make_executive(
        org, name, id_number=make_id(), phone=PHONE, concurrent=("two_committees", org)
    )
    v.seat = v.person.seats.get()
    v.post = v.person.concurrent_posts.get()
    v.team = team_create(actor=None, org=org, name=f"{name}服务队")
    v.membership = team_member_add(actor=None, team=v.team, person=v.person, start_date=TERM_START)
    return v


@pytest.fixture
def songhe(tree):
    return village(tree.songhe, "陈芳")


@pytest.fixture
def gangkou(tree):
    return village(tree.gangkou, "港红梅")


def url(page: str, v: SimpleNamespace) -> str:
    """The URL of `page` about the records of village `v`."""
    by_person = {"detail", "edit", "unmask", "seat_create", "post_create"}
    by_org = {"list", "create", "executives", "teams", "team_create"}
    by_team = {"team_member_add", "rotation_create"}
    if page in by_person:
        return reverse(f"people:{page}", args=[v.person.pk])
    if page in by_org:
        return f"{reverse(f'people:{page}')}?org={v.org.pk}"
    if page in by_team:
        return reverse(f"people:{page}", args=[v.team.pk])
    obj = {"seat_end": v.seat, "post_end": v.post, "team_member_end": v.membership}[page]
    return reverse(f"people:{page}", args=[obj.pk])


READ_PAGES = ["list", "detail", "executives", "teams"]
WRITE_PAGES = [
    "create",
    "edit",
    "seat_create",
    "post_create",
    "seat_end",
    "post_end",
    "team_create",
    "team_member_add",
    "team_member_end",
    "rotation_create",
]


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [*READ_PAGES, *WRITE_PAGES, "unmask"])
def test_user_of_another_village_gets_404_on_every_page(cast, login, songhe, gangkou, page):
    client = login(cast.songhe_chair)
    assert client.get(url(page, gangkou)).status_code == 404
    if page not in READ_PAGES:
        data = {"purpose": "visit", "reason": "入户核对身份"}
        assert client.post(url(page, gangkou), data).status_code == 404


@pytest.mark.parametrize("page", [*READ_PAGES[1:], *WRITE_PAGES, "unmask"])
def test_grid_member_gets_404_for_her_community_records(cast, login, songhe, page):
    assert login(cast.wushan_member).get(url(page, songhe)).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES)
def test_leader_reads_every_page_in_scope(cast, login, songhe, page):
    assert login(cast.county_leader).get(url(page, songhe)).status_code == 200


@pytest.mark.parametrize("page", [*WRITE_PAGES, "unmask"])
def test_leader_gets_403_on_every_write_and_on_unmask(cast, login, songhe, page):
    client = login(cast.county_leader)
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    assert client.get(url(page, songhe)).status_code == 403
    data = {"purpose": "visit", "reason": "入户核对身份"}
    assert client.post(url(page, songhe), data).status_code == 403
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == before


def test_anonymous_is_sent_to_login(songhe, client):
    response = client.get(url("detail", songhe))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_org_parameter_that_is_not_a_number_is_404(cast, login, songhe):
    response = login(cast.songhe_chair).get(reverse("people:executives"), {"org": "x"})
    assert response.status_code == 404


def test_nav_leads_business_roles_to_their_roster(tree, cast, login):
    html = login(cast.songhe_chair).get("/").content.decode()
    assert f'href="{reverse("people:executives")}?org={tree.songhe.pk}"' in html
    assert (
        reverse("people:executives") not in login(cast.audit_admin).get("/audit/").content.decode()
    )


# --- masked numbers and unmasking ---------------------------------------------------------------


def test_pages_show_numbers_masked(cast, login, songhe):
    client = login(cast.songhe_chair)
    number = songhe.person.id_number
    for page in ("detail", "list"):
        html = client.get(url(page, songhe)).content.decode()
        assert number not in html and PHONE not in html
        assert number[:6] + "********" + number[-4:] in html and "139****5678" in html


def test_unmask_over_htmx_returns_the_numbers_uncached_and_audits_the_reason(cast, login, songhe):
    response = login(cast.songhe_chair).post(
        url("unmask", songhe),
        {"purpose": "contact", "reason": "电话联系走访时间"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert songhe.person.id_number in html and PHONE in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="person.unmask")
    assert event.note == "电话联系本人：电话联系走访时间" and event.actor == cast.songhe_chair


def test_unmask_without_a_reason_shows_the_form_again_and_reveals_nothing(cast, login, songhe):
    response = login(cast.songhe_chair).post(
        url("unmask", songhe), {"purpose": "visit", "reason": "看"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "至少5个字" in html and songhe.person.id_number not in html and PHONE not in html
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


def test_unmask_without_htmx_is_a_whole_page(cast, login, songhe):
    data = {"purpose": "assistance", "reason": "填写临时救助申请"}
    response = login(cast.songhe_chair).post(url("unmask", songhe), data)
    assert "<html" in response.content.decode() and PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_unmask_form_is_offered_to_those_who_may_unmask_only(cast, login, songhe):
    assert "显示完整号码" in login(cast.songhe_chair).get(url("detail", songhe)).content.decode()
    html = login(cast.county_leader).get(url("detail", songhe)).content.decode()
    assert reverse("people:unmask", args=[songhe.person.pk]) not in html


def test_person_page_is_not_cached(cast, login, songhe):
    response = login(cast.songhe_chair).get(url("detail", songhe))
    assert "no-store" in response["Cache-Control"]


# --- lists --------------------------------------------------------------------------------------


def test_person_search_answers_htmx_with_the_rows_fragment(tree, cast, login, songhe):
    make_person(tree.songhe, "王小红")
    response = login(cast.songhe_chair).get(
        reverse("people:list"), {"q": "wxh"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "王小红" in html and "陈芳" not in html


def test_person_list_does_not_query_per_row(tree, cast, login, count_queries):
    client = login(cast.songhe_chair)
    for i in range(3):
        make_person(tree.songhe, f"甲{i}", id_number=make_id(), phone=PHONE)
    few = count_queries(lambda: client.get(reverse("people:list")))
    for i in range(9):
        make_person(tree.wushan, f"乙{i}", id_number=make_id(), phone=PHONE)
    assert count_queries(lambda: client.get(reverse("people:list"))) == few
    assert client.get(reverse("people:list")).context["page"].paginator.count == 12


def test_person_list_pages_by_50(tree, cast, login):
    Person.objects.bulk_create(Person(org=tree.songhe, name=f"人{i:03d}") for i in range(55))
    response = login(cast.songhe_chair).get(reverse("people:list"), {"page": 2})
    assert len(response.context["page"].object_list) == 5


def test_roster_does_not_query_per_row(tree, cast, login, count_queries):
    client = login(cast.songhe_chair)
    roster = f"{reverse('people:executives')}?org={tree.songhe.pk}"
    for i in range(3):
        make_executive(tree.songhe, f"甲{i}", concurrent=("group_leader", tree.wushan))
    few = count_queries(lambda: client.get(roster))
    for i in range(9):
        make_executive(tree.songhe, f"乙{i}", concurrent=("grid_head", tree.wushan))
    assert count_queries(lambda: client.get(roster)) == few
    assert client.get(roster).context["people_count"] == 12


# --- forms --------------------------------------------------------------------------------------


def test_cadre_registers_a_person(tree, cast, login):
    number = make_id("19850312")
    response = login(cast.songhe_chair).post(
        f"{reverse('people:create')}?org={tree.wushan.pk}",
        {"name": "王小红", "id_number": number, "phone": "139 1234 5678", "education": "senior"},
    )
    person = Person.objects.get(name="王小红")
    assert response.status_code == 302 and response["Location"] == url(
        "detail", SimpleNamespace(person=person)
    )
    assert person.org == tree.wushan and person.gender == "F" and person.phone == PHONE


def test_a_wrong_checksum_is_shown_on_the_form_and_nothing_is_written(tree, cast, login):
    number = make_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = login(cast.songhe_chair).post(
        f"{reverse('people:create')}?org={tree.songhe.pk}", {"name": "王小红", "id_number": wrong}
    )
    assert response.status_code == 200
    assert f"最后一位应为{number[17]}" in response.content.decode()
    assert not Person.objects.exists()


def test_editing_with_blank_numbers_keeps_them(cast, login, songhe):
    number = songhe.person.id_number
    response = login(cast.songhe_chair).post(
        url("edit", songhe),
        {"name": "陈芳芳", "id_number": "", "phone": "", "education": "bachelor"},
    )
    assert response.status_code == 302
    songhe.person.refresh_from_db()
    assert songhe.person.name == "陈芳芳" and songhe.person.id_number == number
    assert songhe.person.phone == PHONE and songhe.person.education == "bachelor"


def test_edit_form_never_shows_the_whole_numbers(cast, login, songhe):
    html = login(cast.songhe_chair).get(url("edit", songhe)).content.decode()
    assert songhe.person.id_number not in html and PHONE not in html


def test_seat_is_created_from_the_person_page_and_ended_from_the_roster(tree, cast, login):
    person = make_person(tree.songhe, "李娟")
    client = login(cast.songhe_chair)
    response = client.post(
        reverse("people:seat_create", args=[person.pk]),
        {"org": tree.songhe.pk, "post": "vice_chair", "term_start": "2021-11-01"},
    )
    assert response.status_code == 302
    seat = ExecutiveSeat.objects.get(person=person)
    response = client.post(
        reverse("people:seat_end", args=[seat.pk]), {"ended_on": "2024-01-05", "reason": "换届"}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ended_on == dt.date(2024, 1, 5)


def test_seat_form_offers_only_orgs_in_the_users_scope(tree, cast, login, people):
    person = make_person(tree.wushan, "网格人")
    response = login(cast.songhe_chair).get(reverse("people:seat_create", args=[person.pk]))
    offered = set(response.context["form"].fields["org"].queryset)
    assert offered == {tree.songhe, tree.wushan}


def test_team_member_and_rotation_are_added_through_forms(tree, cast, login, songhe):
    client = login(cast.songhe_chair)
    other = make_executive(tree.songhe, "李娟")
    response = client.post(
        reverse("people:team_member_add", args=[songhe.team.pk]),
        {"person": other.pk, "start_date": "2022-01-01"},
    )
    assert response.status_code == 302
    assert TeamMembership.objects.filter(team=songhe.team, person=other).exists()
    rotation = reverse("people:rotation_create", args=[songhe.team.pk])
    week = {"person": other.pk, "start_date": "2026-03-01", "end_date": "2026-03-07"}
    assert client.post(rotation, week).status_code == 302
    response = client.post(rotation, {**week, "person": songhe.person.pk})
    assert response.status_code == 200 and "重叠" in response.content.decode()
    assert DutyRotation.objects.count() == 1


def test_teams_page_highlights_who_is_on_duty_today(tree, cast, login, songhe):
    today = timezone.localdate()
    rotation_create(
        actor=None, team=songhe.team, person=songhe.person, start_date=today, end_date=today
    )
    html = login(cast.songhe_chair).get(url("teams", songhe)).content.decode()
    assert "当值" in html and "陈芳" in html


def test_team_created_through_the_form(tree, cast, login):
    response = login(cast.songhe_chair).post(
        f"{reverse('people:team_create')}?org={tree.songhe.pk}", {"name": "护河队"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="team.create").exists()
