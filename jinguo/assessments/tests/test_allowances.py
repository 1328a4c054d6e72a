"""Allowance policy, statements: generation, regeneration, lock, adjustment, export, scope."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinguo.assessments import allowances, selectors
from jinguo.assessments.models import AllowanceLine, StatementChange
from jinguo.assessments.tests.conftest import seat
from jinguo.audit.models import AuditEvent
from jinguo.households.tests.factories import household
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.visits.models import Visit

D = dt.date
YEAR = {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}


def _visits(person, user, grid, days):
    h = household(grid, f"H-{person.pk}-{len(days)}-{days[0]:%m%d}")
    for day in days:
        Visit.objects.create(
            household=h, executive=person, visited_by=user, org=grid, channel="home", visited_on=day
        )


@pytest.fixture
def duties(tree, cast, execs):
    # 汪秀兰: 3 visits on 2 days in January, 1 in February; a newcomer from 03-20 (9 months).
    _visits(execs.wushan_exec, cast.wushan_member, tree.wushan,
            [D(2025, 1, 3), D(2025, 1, 3), D(2025, 1, 4), D(2025, 2, 8)])  # fmt: skip
    newcomer = Person.objects.create(org=tree.songhe, name="新执委")
    seat(newcomer, tree.songhe, start=D(2025, 3, 20))
    return newcomer


def test_default_policy_is_900_a_year_and_100_a_day(tree):
    policy = allowances.policy_for(org=tree.wushan)
    assert (policy.annual_amount, policy.daily_amount, policy.pk) == (900, 100, None)


def test_nearest_policy_wins(tree, cast):
    allowances.policy_save(
        actor=cast.county_cadre, org=tree.ningguo, annual_amount=Decimal(1200),
        daily_amount=Decimal(80),
    )  # fmt: skip
    allowances.policy_save(
        actor=cast.songhe_chair, org=tree.songhe, annual_amount=Decimal(1000),
        daily_amount=Decimal(100), max_days_per_month=10,
    )  # fmt: skip
    assert allowances.policy_for(org=tree.wushan).annual_amount == 1000
    assert allowances.policy_for(org=tree.gangkou).annual_amount == 1200
    with pytest.raises(ValidationError):
        allowances.policy_save(
            actor=cast.songhe_chair, org=tree.songhe, annual_amount=Decimal(-1),
            daily_amount=Decimal(100),
        )  # fmt: skip


def test_statement_lines_pro_rata_months_and_duty_days(tree, cast, execs, duties):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    lines = {line.person_id: line for line in statement.lines.all()}
    assert set(lines) == {execs.wushan_exec.pk, execs.chengjiawan_exec.pk, duties.pk}
    mine = lines[execs.wushan_exec.pk]
    assert (mine.months, mine.annual_share, mine.duty_days) == (12, Decimal("900.00"), 3)
    assert (mine.lost_work_amount, mine.total) == (Decimal("300.00"), Decimal("1200.00"))
    new = lines[duties.pk]
    assert (new.months, new.annual_share, new.total) == (9, Decimal("675.00"), Decimal("675.00"))
    assert statement.policy == {
        "annual_amount": "900.00", "daily_amount": "100.00", "max_days_per_month": None
    }  # fmt: skip


def test_cap_limits_duty_days_per_month(tree, cast, execs, duties):
    allowances.policy_save(
        actor=cast.songhe_chair, org=tree.songhe, annual_amount=Decimal(900),
        daily_amount=Decimal(100), max_days_per_month=1,
    )  # fmt: skip
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    assert statement.lines.get(person=execs.wushan_exec).duty_days == 2  # Jan 1 + Feb 1


def test_regenerating_a_draft_replaces_its_lines(tree, cast, execs, duties):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    before = list(statement.lines.values_list("person_id", "total").order_by("person_id"))
    allowances.statement_generate(actor=cast.songhe_chair, statement=statement)
    allowances.statement_generate(actor=cast.songhe_chair, statement=statement)
    after = list(statement.lines.values_list("person_id", "total").order_by("person_id"))
    assert after == before and statement.lines.count() == 3
    ExecutiveSeat.objects.filter(person=duties).update(ended_on=D(2025, 3, 25))
    allowances.statement_generate(actor=cast.songhe_chair, statement=statement)
    assert statement.lines.get(person=duties).months == 0
    assert (
        StatementChange.objects.filter(statement=statement, action="statement.generate").count()
        == 4
    )


def test_confirmed_statement_is_locked_and_corrected_by_adjustment_lines(tree, cast, execs, duties):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    with pytest.raises(ValidationError):
        allowances.statement_adjust(
            actor=cast.songhe_chair, statement=statement, person=execs.wushan_exec,
            amount=Decimal(100), reason="漏记",
        )  # fmt: skip
    statement = allowances.statement_confirm(actor=cast.songhe_chair, statement=statement)
    with pytest.raises(ValidationError) as exc:
        allowances.statement_generate(actor=cast.songhe_chair, statement=statement)
    assert "已确认" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        allowances.statement_adjust(
            actor=cast.songhe_chair, statement=statement, person=execs.wushan_exec,
            amount=Decimal(100), reason="",
        )  # fmt: skip
    line = allowances.statement_adjust(
        actor=cast.songhe_chair, statement=statement, person=execs.wushan_exec,
        amount=Decimal("-100"), reason="1月4日记录重复",
    )  # fmt: skip
    assert line.kind == AllowanceLine.Kind.ADJUSTMENT and line.total == Decimal("-100.00")
    assert selectors.line_totals(statement.lines.all())["total"] == Decimal("2675.00")
    statement = allowances.statement_mark_paid(actor=cast.songhe_chair, statement=statement)
    assert statement.status == "paid"
    assert AuditEvent.objects.filter(action="assessments.statement.adjust").count() == 1


def test_duplicate_statement_for_the_same_period_is_refused(tree, cast, execs):
    allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    with pytest.raises(ValidationError):
        allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)


def test_export_for_finance_has_amounts_and_a_totals_row_and_is_audited(
    tree, cast, execs, duties, login
):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    response = login(cast.songhe_chair).get(f"/assessments/allowances/{statement.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "姓名", "职务", "组织", "任职月数", "年度补贴（元）", "履职天数", "误工补贴（元）",
        "合计（元）", "备注",
    )  # fmt: skip
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][7])) == Decimal("2775")
    assert rows[-1][1:4] == ("", "", "") and rows[-1][8] == ""
    assert len(rows) == 5
    assert AuditEvent.objects.filter(action="assessments.allowance_export").count() == 1


def test_gangkou_chair_cannot_see_songhe_statements(tree, cast, execs, login):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    client = login(cast.gangkou_chair)
    for url in [
        f"/assessments/allowances/{statement.pk}/",
        f"/assessments/allowances/{statement.pk}/export.xlsx",
        f"/api/v1/allowances/statements/{statement.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/assessments/allowances/{statement.pk}/confirm/",
        f"/assessments/allowances/{statement.pk}/adjust/",
        f"/api/v1/allowances/statements/{statement.pk}/generate/",
        f"/api/v1/allowances/statements/{statement.pk}/confirm/",
    ]:
        assert client.post(url, {}).status_code == 404, url
    assert client.get(f"/assessments/allowances/policy/?org={tree.songhe.pk}").status_code == 404
    assert client.get("/assessments/allowances/lines/").context["page"].paginator.count == 0


def test_county_leader_cannot_write_allowances(tree, cast, execs, login):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    client = login(cast.county_leader)
    assert client.get(f"/assessments/allowances/{statement.pk}/").status_code == 200
    assert client.post(f"/assessments/allowances/{statement.pk}/confirm/").status_code == 403
    assert client.post(f"/api/v1/allowances/statements/{statement.pk}/confirm/").status_code == 403
    body = {"annual_amount": "1", "daily_amount": "1"}
    assert (
        client.post(f"/assessments/allowances/policy/?org={tree.songhe.pk}", body).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        allowances.statement_confirm(actor=cast.county_leader, statement=statement)


def test_pages_generate_confirm_and_policy(tree, cast, execs, login):
    client = login(cast.songhe_chair)
    response = client.post(
        "/assessments/allowances/new/",
        {"org": tree.songhe.pk, "start": "2025-12-31", "end": "2025-01-01"},
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.post(
        "/assessments/allowances/new/",
        {"org": tree.songhe.pk, "start": "2025-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert len(detail.context["lines"]) == 2
    assert client.post(response["Location"] + "confirm/").status_code == 302
    page = client.post(
        f"/assessments/allowances/policy/?org={tree.songhe.pk}",
        {"annual_amount": "1000", "daily_amount": "120", "max_days_per_month": "10"},
    )
    assert page.status_code == 302
    assert allowances.policy_for(org=tree.wushan).daily_amount == Decimal("120.00")


def test_api_generates_and_confirms(tree, cast, execs, client):
    client.force_login(cast.songhe_chair)
    created = client.post(
        "/api/v1/allowances/statements/", {"start": "2025-01-01", "end": "2025-12-31"}
    )
    assert created.status_code == 201 and len(created.json()["lines"]) == 2
    sid = created.json()["id"]
    assert client.post(f"/api/v1/allowances/statements/{sid}/generate/").status_code == 200
    assert (
        client.post(f"/api/v1/allowances/statements/{sid}/confirm/").json()["status"] == "confirmed"
    )
    again = client.post(f"/api/v1/allowances/statements/{sid}/generate/")
    assert again.status_code == 400


def test_line_list_queries_do_not_grow(tree, cast, execs, count_queries, login):
    client = login(cast.songhe_chair)
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    url = f"/assessments/allowances/{statement.pk}/"
    few = count_queries(lambda: client.get(url))
    for i in range(6):
        seat(Person.objects.create(org=tree.songhe, name=f"执委{i}"), tree.songhe)
    allowances.statement_generate(actor=cast.songhe_chair, statement=statement)
    assert count_queries(lambda: client.get(url)) == few


def test_allowance_figures_match_their_lists(tree, cast, execs, duties, login):
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    allowances.statement_create(
        actor=cast.songhe_chair, org=tree.songhe, start=D(2024, 1, 1), end=D(2024, 12, 31)
    )  # fmt: skip  (outside the period)
    allowances.statement_confirm(actor=cast.songhe_chair, statement=statement)
    figures = {
        f.key: f
        for f in selectors.assessments_figures(
            user=cast.songhe_chair, org=tree.songhe, start=D(2025, 1, 1), end=D(2025, 12, 31)
        )
    }
    assert figures["allowances.amount"].value == 2775.0
    assert figures["allowances.duty_days"].value == 3
    assert figures["allowances.paid"].value == 3
    client = login(cast.songhe_chair)
    page = client.get(figures["allowances.paid"].url)
    assert page.context["page"].paginator.count == 3
    page = client.get(figures["allowances.amount"].url)
    assert page.context["totals"]["total"] == Decimal("2775.00")
    assert page.context["totals"]["days"] == 3


def test_a_two_committees_cadre_is_paid_no_annual_share_but_keeps_her_duty_days(
    tree, cast, execs, duties
):
    from jinguo.people.models import ConcurrentPost

    two_committees = ConcurrentPost.Kind.TWO_COMMITTEES
    ConcurrentPost.objects.create(
        person=execs.wushan_exec, kind=two_committees, org=tree.songhe, start_date=D(2024, 1, 1)
    )
    # 程丽 joins the 两委 on 07-01: she is paid January–June only.
    ConcurrentPost.objects.create(
        person=execs.chengjiawan_exec, kind=two_committees, org=tree.songhe,
        start_date=D(2025, 7, 1),
    )  # fmt: skip
    statement = allowances.statement_create(actor=cast.songhe_chair, org=tree.songhe, **YEAR)
    lines = {line.person_id: line for line in statement.lines.all()}
    cadre = lines[execs.wushan_exec.pk]
    assert (cadre.months, cadre.annual_share, cadre.duty_days) == (0, Decimal("0.00"), 3)
    assert cadre.total == Decimal("300.00")
    later = lines[execs.chengjiawan_exec.pk]
    assert (later.months, later.annual_share) == (6, Decimal("450.00"))
    assert lines[duties.pk].annual_share == Decimal("675.00")
