import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case
from jinguo.common.tests.upload_samples import PNG, WEBP
from jinguo.visits.models import Visit, Wish
from jinguo.visits.services import wish_collect


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def new_url(household) -> str:
    return reverse("visits:create") + f"?household={household.pk}"


def test_three_taps_pick_household_fill_the_form_and_save(plan, cast, people, login):
    client = login(cast.wushan_member)
    picker = client.get(reverse("visits:create"))
    assert new_url(plan.ws1) in picker.content.decode()
    form = client.get(new_url(plan.ws1))
    assert form.status_code == 200 and 'capture="environment"' in form.content.decode()
    response = client.post(
        new_url(plan.ws1),
        {"channel": "home", "services": ["care", "policy"], "note": "老人身体好"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("visits:todo")
    visit = Visit.objects.get(household=plan.ws1, note="老人身体好")
    assert visit.executive == people.wushan_exec and visit.services == ["care", "policy"]
    assert AuditEvent.objects.filter(action="visit.create", target_id=str(visit.pk)).exists()


def test_a_photo_that_is_not_an_image_is_shown_as_a_form_error(plan, cast, login):
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4" + b"\x00" * 20)
    response = login(cast.wushan_member).post(new_url(plan.ws1), {"channel": "home", "photo": fake})
    assert response.status_code == 200
    assert "JPEG" in response.content.decode()
    assert not Visit.objects.filter(visited_by=cast.wushan_member).exists()


def test_a_real_photo_is_saved_with_the_visit(plan, cast, login):
    photo = SimpleUploadedFile("x.png", PNG)
    login(cast.wushan_member).post(new_url(plan.ws1), {"channel": "phone", "photo": photo})
    assert Visit.objects.get(visited_by=cast.wushan_member).photo.name.startswith("visits/")


def test_a_future_date_is_refused_on_the_form(plan, cast, login):
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = login(cast.wushan_member).post(
        new_url(plan.ws1), {"channel": "home", "visited_on": later}
    )
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    assert not Visit.objects.filter(visited_by=cast.wushan_member).exists()


def test_a_grid_member_cannot_log_a_visit_to_another_grids_household(plan, cast, login):
    client = login(cast.wushan_member)
    assert client.get(new_url(plan.gk6)).status_code == 404
    assert client.post(new_url(plan.gk6), {"channel": "home"}).status_code == 404
    assert not Visit.objects.filter(visited_by=cast.wushan_member).exists()


def test_a_leader_cannot_log_a_visit(plan, cast, login):
    response = login(cast.county_leader).post(new_url(plan.ws1), {"channel": "home"})
    assert response.status_code == 403


def test_the_todo_page_shows_overdue_in_red_and_links_each_household(plan, cast, login):
    response = login(cast.wushan_member).get(reverse("visits:todo"))
    html = response.content.decode()
    assert new_url(plan.ws1) in html  # 独居老人, last visit long ago: overdue today
    assert "list-group-item-danger" in html
    assert new_url(plan.ws3) not in html  # no category


def test_each_overdue_count_links_to_exactly_those_households(plan, cast, tree, login):
    client = login(cast.township_cadre)
    response = client.get(reverse("visits:overdue") + f"?org={tree.helixi.pk}")
    counts = {c.pk: n for c, n in response.context["counts"].children}
    link = reverse("visits:todo") + f"?org={tree.gangkou.pk}&overdue=1"
    assert link.replace("&", "&amp;") in response.content.decode()
    listed = client.get(link).context["rows"]
    assert counts[tree.gangkou.pk] > 0
    assert len(listed) == counts[tree.gangkou.pk]  # exactly those: none due only this week
    assert all(h.due < timezone.localdate() for h in listed)
    assert {h.grid_id for h in listed} == {tree.gangkou_grid.pk}


def test_the_overdue_total_links_to_the_overdue_households_and_the_badge_clears(
    plan, cast, tree, login
):
    from jinguo.households.plan import plan_refresh
    from jinguo.households.services import household_set_categories
    from jinguo.households.tests.factories import household
    from jinguo.visits.tests.conftest import visit

    soon = household(tree.gangkou_grid, "GK-SOON")  # 独居老人 (7 d), visited 4 days ago
    household_set_categories(actor=None, household=soon, categories=[plan.alone])
    visit(soon, timezone.localdate() - dt.timedelta(days=4), cast.songhe_chair)
    plan_refresh()
    client = login(cast.township_cadre)
    assert soon.pk in [r.pk for r in client.get(reverse("visits:todo")).context["rows"]]
    response = client.get(reverse("visits:overdue") + f"?org={tree.helixi.pk}")
    link = reverse("visits:todo") + f"?org={tree.helixi.pk}&overdue=1"
    assert link.replace("&", "&amp;") in response.content.decode()
    page = client.get(link)
    assert len(page.context["rows"]) == response.context["counts"].total
    assert soon.pk not in [r.pk for r in page.context["rows"]]  # due this week, not overdue
    html = page.content.decode()
    assert "只看逾期" in html and f'href="{reverse("visits:todo")}?org={tree.helixi.pk}"' in html
    assert "只看逾期" not in client.get(reverse("visits:todo")).content.decode()


def test_overdue_roll_up_of_another_county_is_404(plan, cast, tree, login):
    response = login(cast.songhe_chair).get(reverse("visits:overdue") + f"?org={tree.langxi.pk}")
    assert response.status_code == 404


def test_household_visit_history_lists_its_visits_and_hides_other_villages(plan, cast, login):
    client = login(cast.songhe_chair)
    response = client.get(reverse("visits:household", args=[plan.ws1.pk]))
    assert len(response.context["page"]) == 2
    assert client.get(reverse("visits:household", args=[plan.gk6.pk])).status_code == 404


def test_the_picker_search_answers_htmx_with_rows_only(plan, cast, login):
    response = login(cast.songhe_chair).get(
        reverse("visits:create") + "?q=CJW", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and new_url(plan.cjw5) in html and new_url(plan.gk6) not in html


def test_wishes_are_collected_claimed_and_fulfilled_from_the_page(plan, cast, login):
    client = login(cast.songhe_chair)
    client.post(reverse("visits:wishes"), {"content": "一台轮椅", "category": "medical"})
    wish = Wish.objects.get(content="一台轮椅")
    client.post(reverse("visits:wish_claim", args=[wish.pk]), {"donor_name": "县医院"})
    evidence = SimpleUploadedFile("e.webp", WEBP)
    client.post(
        reverse("visits:wish_fulfil", args=[wish.pk]),
        {"evidence_note": "已送达", "evidence_file": evidence},
    )
    wish.refresh_from_db()
    assert wish.status == "fulfilled" and wish.donor_name == "县医院"
    assert wish.changes.count() == 3


def test_a_wrong_wish_transition_is_shown_as_a_message(plan, cast, login):
    wish = wish_collect(actor=cast.songhe_chair, content="书包", category="study")
    client = login(cast.songhe_chair)
    response = client.post(
        reverse("visits:wish_fulfil", args=[wish.pk]), {"evidence_note": "x"}, follow=True
    )
    assert "不能变为" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == "collected"


def test_another_villages_wish_is_404_and_a_leader_gets_403(plan, cast, login):
    wish = wish_collect(actor=cast.gangkou_chair, content="书包", category="study")
    url = reverse("visits:wish_claim", args=[wish.pk])
    assert login(cast.songhe_chair).post(url, {"donor_name": "x"}).status_code == 404
    assert login(cast.county_leader).post(url, {"donor_name": "x"}).status_code == 403
    collect = login(cast.county_leader).post(
        reverse("visits:wishes"), {"content": "x", "category": "study"}
    )
    assert collect.status_code == 403


def test_the_wish_list_shows_only_wishes_in_scope(plan, cast, login):
    wish_collect(actor=cast.gangkou_chair, content="港口的心愿", category="study")
    wish_collect(actor=cast.songhe_chair, content="嵩合的心愿", category="study")
    html = login(cast.songhe_chair).get(reverse("visits:wishes")).content.decode()
    assert "嵩合的心愿" in html and "港口的心愿" not in html


def test_admins_have_no_visit_pages(plan, cast, login):
    assert login(cast.system_admin).get(reverse("visits:todo")).status_code == 404


def test_a_wish_heard_on_a_visit_is_collected_for_that_household(plan, cast, login):
    client = login(cast.wushan_member)
    form = client.get(new_url(plan.ws1)).content.decode()
    link = reverse("visits:wishes") + f"?household={plan.ws1.pk}"
    assert link in form
    client.post(link, {"content": "助听器", "category": "medical"})
    wish = Wish.objects.get(content="助听器")
    assert wish.household == plan.ws1 and wish.org == plan.ws1.grid
    hidden = reverse("visits:wishes") + f"?household={plan.gk6.pk}"
    assert client.post(hidden, {"content": "x", "category": "study"}).status_code == 404


CASE_VISIT = {
    "channel": "home",
    "services": ["legal"],
    "note": "邻居为地界争吵",
    "case_kind": "dispute_neighbour",
    "case_title": "宅基地地界纠纷",
    "case_description": "两户因院墙位置争执",
}


def test_a_grid_member_logs_a_visit_that_opens_a_case_for_her_household(plan, cast, people, login):
    client = login(cast.wushan_member)
    response = client.post(new_url(plan.ws1), CASE_VISIT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("visits:todo")
    visit = Visit.objects.get(household=plan.ws1, note="邻居为地界争吵")
    case = visit.case
    assert case is not None and case.household == plan.ws1 and case.source == "visit"
    assert case.org == plan.ws1.grid and case.kind == "dispute_neighbour"
    history = client.get(reverse("visits:household", args=[plan.ws1.pk])).content.decode()
    assert case.number in history and reverse("cases:detail", args=[case.pk]) in history


def test_bad_case_input_writes_nothing_and_shows_the_errors_on_the_form(plan, cast, login):
    client = login(cast.wushan_member)
    response = client.post(new_url(plan.ws1), {**CASE_VISIT, "case_title": " "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写标题" in page and 'id="case-section" open' in page
    assert not Visit.objects.filter(note="邻居为地界争吵").exists()
    assert not Case.objects.exists()


def test_a_leader_cannot_log_a_visit_with_a_case(plan, cast, login):
    response = login(cast.county_leader).post(new_url(plan.ws1), CASE_VISIT)
    assert response.status_code == 403
    assert not Case.objects.exists()


def list_url(**params: object) -> str:
    return reverse("visits:list") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_visit_list_shows_the_visits_of_an_org_in_a_period(plan, cast, tree, login):
    client = login(cast.township_cadre)
    page = client.get(list_url(org=tree.songhe.pk, start="2025-03-01", end="2025-03-31"))
    assert page.status_code == 200
    listed = [v.household.number for v in page.context["page"]]
    assert listed == ["WS-4", "WS-1", "WS-2"]  # newest first; 港口村 and February left out


def test_the_visit_list_defaults_to_her_unit_and_hides_other_units(plan, cast, tree, login):
    client = login(cast.songhe_chair)
    page = client.get(list_url(start="2025-01-01", end="2025-12-31"))
    assert {v.household.number for v in page.context["page"]} == {"WS-1", "WS-2", "WS-4"}
    assert page.context["page"].paginator.count == 6
    assert client.get(list_url(org=tree.gangkou.pk)).status_code == 404


def test_the_dashboard_link_to_visits_of_a_period_opens_the_visit_list(plan, cast, tree, login):
    client = login(cast.township_cadre)
    answer = client.get(reverse("visits:todo") + f"?org={tree.songhe.pk}&start=2025-03-01")
    assert answer.status_code == 302
    assert answer["Location"] == list_url(org=tree.songhe.pk, start="2025-03-01")


def test_the_todo_page_runs_the_same_queries_for_3_and_12_more_households(
    plan, cast, tree, login, count_queries
):
    from jinguo.households.models import Household
    from jinguo.households.plan import plan_refresh
    from jinguo.households.services import household_set_categories
    from jinguo.households.tests.factories import household
    from jinguo.visits.tests.conftest import REGISTERED

    client = login(cast.township_cadre)

    def grow(n: int) -> None:
        for i in range(n):
            h = household(tree.wushan, f"X-{n}-{i}")
            household_set_categories(actor=None, household=h, categories=[plan.alone])
        # Registered long ago and never visited: overdue, so each one is a row of the page.
        Household.objects.filter(number__startswith="X-").update(created_at=REGISTERED)
        plan_refresh()

    def run() -> None:
        assert client.get(reverse("visits:todo")).status_code == 200

    grow(3)
    small = count_queries(run)
    grow(9)
    assert count_queries(run) == small
    assert len(client.get(reverse("visits:todo")).context["rows"]) == 6 + 12  # all overdue today


def test_the_todo_is_paged_and_every_due_household_is_on_one_of_its_pages(
    plan, cast, login, monkeypatch
):
    from jinguo.visits import selectors, views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = login(cast.township_cadre)
    first = client.get(reverse("visits:todo"))
    paginator = first.context["page"].paginator
    assert paginator.count > 4  # more than one page, none of them cut off
    assert f"共 {paginator.count} 户待访" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    listed = []
    for n in paginator.page_range:
        listed += [r.pk for r in client.get(reverse("visits:todo") + f"?page={n}").context["rows"]]
    assert listed == [h.pk for h in selectors.visit_todo(user=cast.township_cadre)]
