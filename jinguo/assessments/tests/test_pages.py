"""Every page renders for a cadre, and administrators (三员) see nothing."""

import pytest

from jinguo.assessments import allowances, appeals, services
from jinguo.assessments.tests.conftest import score_all


@pytest.fixture
def everything(tree, cast, round):
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    score_all(round, cast.songhe_chair)
    services.round_publish(actor=cast.songhe_chair, round=round)
    result = round.results.get(person=cast.wushan_member.person)
    appeal = appeals.appeal_file(actor=cast.wushan_member, result=result, reason="漏记")
    statement = allowances.statement_create(
        actor=cast.songhe_chair, org=tree.songhe, start=round.start, end=round.end
    )
    allowances.statement_confirm(actor=cast.songhe_chair, statement=statement)
    return round, result, appeal, statement


def _pages(tree, everything):
    round, result, appeal, statement = everything
    return [
        "/assessments/",
        "/assessments/rounds/new/",
        f"/assessments/rounds/{round.pk}/",
        f"/assessments/rounds/{round.pk}/?sort=grade",
        "/assessments/schemes/",
        "/assessments/schemes/new/",
        f"/assessments/schemes/{round.scheme_id}/",
        "/assessments/results/?sort=name",
        "/assessments/results/export.xlsx",
        f"/assessments/results/{result.pk}/",
        f"/assessments/appeals/{appeal.pk}/decide/",
        f"/assessments/figures/?org={tree.songhe.pk}",
        f"/assessments/allowances/policy/?org={tree.songhe.pk}",
        "/assessments/allowances/",
        "/assessments/allowances/new/",
        f"/assessments/allowances/{statement.pk}/",
        "/assessments/allowances/lines/?counted=1",
        "/assessments/allowances/lines/export.xlsx",
    ]


def test_every_page_renders_for_the_songhe_chair(tree, cast, everything, login):
    client = login(cast.songhe_chair)
    for url in _pages(tree, everything):
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/assessments/results/{everything[1].pk}/").content.decode()
    assert "处理申诉" in detail


def test_administrators_see_nothing(tree, cast, everything, login):
    for admin in (cast.system_admin, cast.security_admin, cast.audit_admin):
        client = login(admin)
        urls = ["/assessments/", "/assessments/results/", "/assessments/allowances/",
                f"/assessments/rounds/{everything[0].pk}/", "/assessments/figures/"]  # fmt: skip
        for url in urls:
            assert client.get(url).status_code == 404, (admin.username, url)


def test_appeal_decision_page_accepts(cast, everything, login):
    _round, result, appeal, _statement = everything
    client = login(cast.township_cadre)
    response = client.post(f"/assessments/appeals/{appeal.pk}/decide/", {"accept": "1"})
    assert "采纳申诉须填写调整后的总分" in response.content.decode()
    response = client.post(
        f"/assessments/appeals/{appeal.pk}/decide/", {"accept": "1", "new_total": "92"}
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.grade == "优秀"
