import pytest

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import report
from jinguo.households.tests.factories import executive


@pytest.fixture
def case(tree) -> Case:
    return report(tree.songhe, title="邻里纠纷")


def test_the_list_shows_cases_in_scope_with_badges(login, cast, tree, case):
    report(tree.gangkou, title="港口的事")
    page = login(cast.songhe_chair).get("/cases/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "邻里纠纷" in body and "港口的事" not in body
    assert "纠纷诉求" in body  # the nav entry


def test_the_list_answers_htmx_with_the_rows_only(login, cast, case):
    page = login(cast.songhe_chair).get("/cases/?status=reported", headers={"HX-Request": "true"})
    assert "邻里纠纷" in page.content.decode() and "<html" not in page.content.decode()


def test_reporting_a_case_through_the_form(login, cast, tree):
    client = login(cast.songhe_chair)
    assert client.get("/cases/new/").status_code == 200
    answer = client.post(
        "/cases/new/",
        {"org": tree.songhe.pk, "kind": "request", "title": "路灯坏了", "reporter_phone": ""},
    )
    case = Case.objects.get(title="路灯坏了")
    assert answer.status_code == 302 and answer.url == f"/cases/{case.pk}/"
    assert case.reported_by == cast.songhe_chair


def test_the_detail_shows_the_timeline_and_the_allowed_actions(login, cast, case):
    body = login(cast.songhe_chair).get(f"/cases/{case.pk}/").content.decode()
    assert case.number in body and "办理过程" in body
    assert f"/cases/{case.pk}/accept/" in body and f"/cases/{case.pk}/reject/" in body
    assert f"/cases/{case.pk}/close/" not in body


def test_a_leader_sees_no_actions_and_is_refused_them(login, cast, case):
    client = login(cast.county_leader)
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/accept/" not in body
    assert client.post(f"/cases/{case.pk}/accept/", {}).status_code == 403
    assert client.get("/cases/new/").status_code == 403


def test_the_loop_through_the_action_forms(login, cast, tree, case):
    mediator = executive(tree.songhe, "调解员甲")
    client = login(cast.songhe_chair)
    url = f"/cases/{case.pk}/"
    client.post(url + "accept/", {})
    client.post(url + "dispatch/", {"dispatch-assignee": mediator.pk})
    client.post(url + "start/", {})
    client.post(
        url + "participant/", {"participant-person": mediator.pk, "participant-role": "mediator"}
    )
    client.post(url + "resolve/", {"resolve-outcome": "written_agreement"})
    client.post(url + "verify/", {"verify-passed": "1"})
    client.post(url + "close/", {})
    client.post(url + "rate/", {"rate-satisfaction": "4"})
    case.refresh_from_db()
    assert case.status == "rated" and case.satisfaction == 4
    assert case.transitions.count() == 9


def test_a_refused_action_shows_the_services_message(login, cast, case):
    client = login(cast.songhe_chair)
    answer = client.post(f"/cases/{case.pk}/reject/", {"reject-reason": ""}, follow=True)
    assert "不予受理须说明理由" in answer.content.decode()
    answer = client.post(f"/cases/{case.pk}/close/", {}, follow=True)
    assert "不能执行" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == "reported"


def test_another_village_gets_404_on_every_page(login, cast, case):
    client = login(cast.gangkou_chair)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/accept/", {}).status_code == 404
    assert client.get(f"/cases/figures/?org={case.org_id}").status_code == 404
    assert (
        client.post(
            "/cases/new/", {"org": case.org_id, "kind": "request", "title": "x"}
        ).status_code
        == 200
    )
    assert not Case.objects.filter(title="x").exists()


def test_an_unknown_action_is_404(login, cast, case):
    assert login(cast.songhe_chair).post(f"/cases/{case.pk}/explode/", {}).status_code == 404


def test_the_figures_page_links_each_figure_to_its_list(login, cast, tree):
    body = (
        login(cast.songhe_chair)
        .get("/cases/figures/?start=2026-01-01&end=2026-12-31")
        .content.decode()
    )
    assert "化解矛盾纠纷" in body and "figure=disputes" in body
    rows = login(cast.songhe_chair).get(
        f"/cases/?figure=disputes&org={tree.songhe.pk}&start=2026-01-01&end=2026-12-31"
    )
    assert rows.status_code == 200
