"""Rounds: compute, manual scores, publish, appeal, history, scope, list queries, figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.assessments import appeals, selectors, services
from jinguo.assessments.models import Appeal, AssessmentResult, ResultChange
from jinguo.assessments.tests.conftest import score_all, seat
from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.people.models import Person


def test_compute_snapshots_every_executive_with_a_seat_in_the_subtree(round, cast, execs):
    assert services.assessment_compute(actor=cast.songhe_chair, round=round) == 2
    results = {r.person_id: r for r in round.results.all()}
    assert set(results) == {execs.wushan_exec.pk, execs.chengjiawan_exec.pk}
    result = results[execs.wushan_exec.pk]
    assert set(result.metrics) == {"visits", "cases", "attendance", "points", "satisfaction"}
    # Nothing recorded: every measured metric is "no data", only the manual items count.
    assert all(m["score"] is None for m in result.metrics.values())
    assert result.total == Decimal("0.00") and result.grade == "不合格"
    round.refresh_from_db()
    assert round.status == "scoring"


def test_seat_ended_before_the_period_is_not_assessed(tree, round, cast, execs):
    gone = Person.objects.create(org=tree.songhe, name="离任者")
    seat(gone, tree.songhe, start=dt.date(2020, 1, 1), ended_on=dt.date(2024, 12, 31))
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    assert not round.results.filter(person=gone).exists()


def test_manual_scores_are_checked_and_totalled_with_redistribution(round, cast):
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    result = round.results.first()
    with pytest.raises(ValidationError) as exc:
        services.result_score_manual(
            actor=cast.songhe_chair, result=result, scores={"群众评议": 11}
        )
    assert exc.value.message_dict["群众评议"] == ["「群众评议」须为0到10之间的分数"]
    result = services.result_score_manual(
        actor=cast.songhe_chair, result=result, scores={"群众评议": 8, "日常表现": 9}
    )
    # All measured metrics without data: the manual 20 points carry the whole 100.
    assert result.total == Decimal("85.00") and result.grade == "良好"
    assert ResultChange.objects.filter(result=result, action="result.score").count() == 1
    assert AuditEvent.objects.filter(action="assessments.result.score").count() == 1


def test_publish_needs_every_manual_score(round, cast):
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    with pytest.raises(ValidationError):
        services.round_publish(actor=cast.songhe_chair, round=round)
    score_all(round, cast.songhe_chair)
    round = services.round_publish(actor=cast.songhe_chair, round=round)
    assert round.status == "published" and round.published_at is not None


@pytest.fixture
def published(round, cast):
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    score_all(round, cast.songhe_chair)
    return services.round_publish(actor=cast.songhe_chair, round=round)


def _mine(published, cast) -> AssessmentResult:
    return published.results.get(person=cast.wushan_member.person)


def test_executive_appeals_within_seven_days(published, cast):
    result = _mine(published, cast)
    late = published.published_at + dt.timedelta(days=7, seconds=1)
    with pytest.raises(ValidationError) as exc:
        appeals.appeal_file(actor=cast.wushan_member, result=result, reason="漏记", now=late)
    assert "申诉期已过" in exc.value.messages[0]
    in_time = published.published_at + dt.timedelta(days=7)
    appeal = appeals.appeal_file(
        actor=cast.wushan_member, result=result, reason="漏记", now=in_time
    )
    assert appeal.status == "pending"
    with pytest.raises(ValidationError):
        appeals.appeal_file(actor=cast.wushan_member, result=result, reason="再次")


def test_only_the_executive_herself_appeals(published, cast):
    other = published.results.exclude(person=cast.wushan_member.person).first()
    with pytest.raises(PermissionDenied):
        appeals.appeal_file(actor=cast.wushan_member, result=other, reason="不服")


def test_cadre_above_accepts_with_an_adjusted_score(published, cast):
    result = _mine(published, cast)
    appeal = appeals.appeal_file(actor=cast.wushan_member, result=result, reason="走访漏记")
    with pytest.raises(ValidationError):
        appeals.appeal_decide(actor=cast.songhe_chair, appeal=appeal, accept=True)
    appeal = appeals.appeal_decide(
        actor=cast.songhe_chair, appeal=appeal, accept=True, new_total=Decimal("91")
    )
    result.refresh_from_db()
    assert (result.total, result.grade, result.adjusted) == (Decimal("91.00"), "优秀", True)
    assert (appeal.old_total, appeal.new_total) == (Decimal("85.00"), Decimal("91.00"))
    change = ResultChange.objects.get(result=result, action="appeal.accept")
    assert change.old["total"] == "85.00" and change.new["total"] == "91.00"


def test_reject_needs_a_reason(published, cast):
    appeal = appeals.appeal_file(
        actor=cast.wushan_member, result=_mine(published, cast), reason="x"
    )
    with pytest.raises(ValidationError):
        appeals.appeal_decide(actor=cast.songhe_chair, appeal=appeal, accept=False)
    appeal = appeals.appeal_decide(
        actor=cast.songhe_chair, appeal=appeal, accept=False, decision="记录无误"
    )
    assert appeal.status == Appeal.Status.REJECTED


def test_grid_member_cannot_decide_and_leader_cannot_compute(published, round, cast):
    appeal = appeals.appeal_file(
        actor=cast.wushan_member, result=_mine(published, cast), reason="x"
    )
    with pytest.raises(PermissionDenied):
        appeals.appeal_decide(actor=cast.wushan_member, appeal=appeal, accept=False, decision="x")
    with pytest.raises(PermissionDenied):
        services.round_close(actor=cast.county_leader, round=round)


def test_a_newer_scheme_version_and_a_nearer_unit_win(tree, cast, scheme):
    from jinguo.assessments.tests.conftest import ITEMS

    newer = services.scheme_create(
        actor=cast.county_cadre, org=tree.ningguo, name="v2", valid_from=dt.date(2025, 7, 1),
        items=ITEMS,
    )  # fmt: skip
    local = services.scheme_create(
        actor=cast.songhe_chair, org=tree.songhe, name="嵩合", valid_from=dt.date(2025, 9, 1),
        items=ITEMS,
    )  # fmt: skip
    assert services.scheme_for(org=tree.wushan, on=dt.date(2025, 3, 31)) == scheme
    assert services.scheme_for(org=tree.wushan, on=dt.date(2025, 8, 1)) == newer
    assert services.scheme_for(org=tree.wushan, on=dt.date(2025, 9, 1)) == local
    assert services.scheme_for(org=tree.gangkou, on=dt.date(2025, 9, 1)) == newer


# --- pages and API: scope --------------------------------------------------------------------


def test_gangkou_chair_cannot_see_songhe_round_or_results(published, cast, login):
    client = login(cast.gangkou_chair)
    result = published.results.first()
    appeal = appeals.appeal_file(
        actor=cast.wushan_member, result=_mine(published, cast), reason="x"
    )
    urls = [
        f"/assessments/rounds/{published.pk}/",
        f"/assessments/rounds/{published.pk}/export.xlsx",
        f"/assessments/results/{result.pk}/",
        f"/api/v1/assessments/rounds/{published.pk}/results/",
        f"/api/v1/assessments/results/{result.pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        f"/assessments/rounds/{published.pk}/close/",
        f"/assessments/results/{result.pk}/score/",
        f"/assessments/appeals/{appeal.pk}/decide/",
        f"/api/v1/assessments/rounds/{published.pk}/publish/",
        f"/api/v1/assessments/appeals/{appeal.pk}/decide/",
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    assert client.get("/assessments/results/").context["page"].paginator.count == 0


def test_county_leader_gets_403_on_writes(round, cast, login, tree):
    client = login(cast.county_leader)
    assert client.get(f"/assessments/rounds/{round.pk}/").status_code == 200
    assert client.post(f"/assessments/rounds/{round.pk}/compute/").status_code == 403
    assert client.post(f"/api/v1/assessments/rounds/{round.pk}/compute/").status_code == 403
    assert client.post("/assessments/rounds/new/", {}).status_code == 403
    body = {"org": tree.songhe.pk, "name": "x", "start": "2025-01-01", "end": "2025-03-31"}
    assert client.post("/api/v1/assessments/rounds/", body).status_code == 403


def test_grid_member_sees_her_own_result_and_appeals_on_the_page(published, cast, login):
    client = login(cast.wushan_member)
    result = _mine(published, cast)
    page = client.get(f"/assessments/results/{result.pk}/")
    assert page.status_code == 200 and page.context["appeal_form"] is not None
    response = client.post(f"/assessments/results/{result.pk}/appeal/", {"reason": ""})
    assert "请填写申诉理由" in response.content.decode()
    response = client.post(f"/assessments/results/{result.pk}/appeal/", {"reason": "漏记走访"})
    assert response.status_code == 302
    assert Appeal.objects.get(result=result).reason == "漏记走访"


def test_cadre_flow_through_pages(tree, cast, execs, scheme, login):
    client = login(cast.songhe_chair)
    body = {"org": tree.songhe.pk, "name": "一季度", "start": "2025-01-01", "end": "2025-03-31"}
    response = client.post("/assessments/rounds/new/", body)
    assert response.status_code == 302
    round_url = response["Location"]
    assert client.post(round_url + "compute/").status_code == 302
    detail = client.get(round_url + "?sort=name")
    assert [r.person.name for r in detail.context["results"]] == sorted(
        [execs.wushan_exec.name, execs.chengjiawan_exec.name]
    )
    result = detail.context["results"][0]
    client.post(f"/assessments/results/{result.pk}/score/", {"s_0": "20", "s_1": "5"})
    result.refresh_from_db()
    assert result.manual == {}  # 20 > 10: refused, nothing saved


def test_scheme_form_keeps_input_and_says_the_sum(tree, cast, login):
    client = login(cast.county_cadre)
    body = {
        "org": tree.ningguo.pk,
        "name": "方案",
        "valid_from": "2025-01-01",
        "w_visits": "60",
        "m_name_0": "日常表现",
        "m_max_0": "30",
        "bands": "优秀 90\n合格 60\n不合格 0",
    }
    response = client.post("/assessments/schemes/new/", body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "各项权重之和须为100，现为90" in html and 'value="日常表现"' in html
    body["m_max_0"] = "40"
    assert client.post("/assessments/schemes/new/", body).status_code == 302


def test_api_creates_scheme_round_computes_and_lists(tree, cast, execs, client):
    client.force_login(cast.songhe_chair)
    scheme = {"name": "嵩合方案", "valid_from": "2025-01-01", "items": [
        {"metric": "visits", "weight": 60}, {"name": "日常表现", "weight": 40}]}  # fmt: skip
    assert (
        client.post("/api/v1/assessments/schemes/", scheme, "application/json").status_code == 201
    )
    body = {"name": "一季度", "start": "2025-01-01", "end": "2025-03-31"}
    created = client.post("/api/v1/assessments/rounds/", body, "application/json")
    assert created.status_code == 201
    round_id = created.json()["id"]
    assert client.post(f"/api/v1/assessments/rounds/{round_id}/compute/").json()["status"] == (
        "scoring"
    )
    listed = client.get(f"/api/v1/assessments/rounds/{round_id}/results/")
    assert listed.json()["count"] == 2


# --- lists and figures ------------------------------------------------------------------------


def _executives(tree, n):
    for i in range(n):
        seat(Person.objects.create(org=tree.songhe, name=f"执委{i}"), tree.songhe)


def test_result_list_queries_do_not_grow_with_rows(tree, cast, round, count_queries, login):
    client = login(cast.songhe_chair)

    def page():
        return client.get(f"/assessments/rounds/{round.pk}/").status_code

    _executives(tree, 2)
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    small = count_queries(page)
    _executives(tree, 6)
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    assert round.results.count() == 10
    assert count_queries(page) == small
    few = count_queries(lambda: client.get("/assessments/results/"))
    _executives(tree, 4)
    services.assessment_compute(actor=cast.songhe_chair, round=round)
    assert count_queries(lambda: client.get("/assessments/results/")) == few


def test_figures_equal_the_rows_of_their_lists(published, cast, login, tree):
    appeals.appeal_file(actor=cast.wushan_member, result=_mine(published, cast), reason="x")
    client = login(cast.township_cadre)
    today = timezone.localdate()
    figures = selectors.assessments_figures(
        user=cast.township_cadre, org=tree.helixi, start=dt.date(2025, 1, 1), end=today
    )
    by_key = {f.key: f for f in figures}
    assert by_key["assessments.assessed"].value == 2
    assert by_key["assessments.grade.良好"].value == 2
    assert by_key["assessments.appeals_pending"].value == 1
    for figure in figures:
        if figure.key.startswith("assessments."):
            listed = client.get(figure.url).context["page"].paginator.count
            assert listed == figure.value, figure.key
    assert client.get(f"/assessments/figures/?org={tree.helixi.pk}").status_code == 200
    api = client.get(f"/api/v1/assessments/figures/?org={tree.helixi.pk}&start=2025-01-01")
    assert api.json()[0]["value"] == 2


def test_the_round_export_reads_back_its_headers_and_a_result_with_its_appeal(
    published, cast, login
):
    result = _mine(published, cast)
    appeal = appeals.appeal_file(actor=cast.wushan_member, result=result, reason="x")
    response = login(cast.songhe_chair).get(f"/assessments/rounds/{published.pk}/export.xlsx")
    rows = sheet_rows(response.content)
    assert rows[0] == ["考核轮次", "姓名", "组织", "职务", "总分", "等次", "申诉"]
    row = next(row for row in rows[1:] if row[1] == result.person.name)
    assert row[:4] == [published.name, result.person.name, result.org.name, result.post_label]
    assert row[5:] == [result.grade, appeal.get_status_display()]
