import datetime as dt

import pytest

from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.employment import services
from jinguo.employment.models import JobFair, Loan
from jinguo.people.models import Person


def test_the_loan_list_shows_loans_in_scope(login, cast, loan):
    assert "周春燕" in login(cast.songhe_chair).get("/employment/loans/").content.decode()
    assert "周春燕" not in login(cast.gangkou_chair).get("/employment/loans/").content.decode()


def test_the_loan_list_answers_htmx_with_rows_only(login, cast, loan):
    page = login(cast.songhe_chair).get(
        "/employment/loans/?status=applied", headers={"HX-Request": "true"}
    )
    assert "周春燕" in page.content.decode() and "<html" not in page.content.decode()


def test_applying_through_the_form(login, cast, borrower):
    client = login(cast.songhe_chair)
    assert client.get("/employment/loans/new/").status_code == 200
    answer = client.post(
        "/employment/loans/new/",
        {
            "borrower": borrower.pk,
            "amount": "50000",
            "bank": "农商行",
            "purpose": "民宿",
            "term_months": 24,
            "applied_on": "2026-02-01",
            "interest_subsidy": "on",
        },
    )
    loan = Loan.objects.get()
    assert answer.status_code == 302 and answer.url == f"/employment/loans/{loan.pk}/"


def test_a_man_is_refused_with_what_she_typed_kept(login, cast, tree):
    man = Person.objects.create(org=tree.songhe, name="王强", gender="M")
    answer = login(cast.songhe_chair).post(
        "/employment/loans/new/",
        {
            "borrower": man.pk,
            "amount": "50000",
            "bank": "农商行",
            "purpose": "民宿",
            "term_months": 24,
            "applied_on": "2026-02-01",
        },
    )
    body = answer.content.decode()
    assert "借款人须为女性" in body and "民宿" in body and "王强" in body
    assert not Loan.objects.exists()


def test_another_villages_person_does_not_exist(login, cast, people):
    answer = login(cast.songhe_chair).post(
        "/employment/loans/new/",
        {
            "borrower": people.gangkou_exec.pk,
            "amount": "50000",
            "bank": "行",
            "purpose": "店",
            "term_months": 24,
            "applied_on": "2026-02-01",
        },
    )
    assert "所选人员不存在" in answer.content.decode()


def test_the_loan_actions_through_the_detail_page(login, cast, loan):
    client = login(cast.songhe_chair)
    body = client.get(f"/employment/loans/{loan.pk}/").content.decode()
    assert f"/employment/loans/{loan.pk}/approve/" in body
    client.post(f"/employment/loans/{loan.pk}/approve/", {"approve-approved_on": "2026-02-02"})
    client.post(f"/employment/loans/{loan.pk}/issue/", {"issue-issued_on": "2026-02-10"})
    loan.refresh_from_db()
    assert loan.status == "issued" and loan.issued_amount == loan.amount


def test_a_fair_gets_employers_and_posts_through_htmx(login, cast, fair):
    client = login(cast.songhe_chair)
    answer = client.post(
        f"/employment/fairs/{fair.pk}/employers/",
        {"employer-name": "宁国茶厂", "employer-sector": "农产品加工"},
        headers={"HX-Request": "true"},
    )
    assert "宁国茶厂" in answer.content.decode() and "<html" not in answer.content.decode()
    employer = fair.employers.get()
    answer = client.post(
        f"/employment/fairs/{fair.pk}/employers/{employer.pk}/posts/",
        {f"post{employer.pk}-title": "包装工", f"post{employer.pk}-openings": "0"},
        headers={"HX-Request": "true"},
    )
    assert "包装工" in answer.content.decode()  # kept after the error
    client.post(
        f"/employment/fairs/{fair.pk}/employers/{employer.pk}/posts/",
        {f"post{employer.pk}-title": "包装工", f"post{employer.pk}-openings": "4"},
        headers={"HX-Request": "true"},
    )
    assert employer.posts.get().openings == 4


def test_recording_results_refuses_more_intents_than_visitors(login, cast, fair):
    client = login(cast.songhe_chair)
    answer = client.post(
        f"/employment/fairs/{fair.pk}/results/", {"results-visitors": "10", "results-intents": "12"}
    )
    assert answer.status_code == 400 and "不能超过求职人数" in answer.content.decode()
    client.post(
        f"/employment/fairs/{fair.pk}/results/", {"results-visitors": "10", "results-intents": "6"}
    )
    fair.refresh_from_db()
    assert fair.intents == 6


def test_creating_a_fair(login, cast, tree):
    answer = login(cast.songhe_chair).post(
        "/employment/fairs/new/",
        {"org": tree.songhe.pk, "title": "招聘会", "held_on": "2026-03-01", "online": "on"},
    )
    assert answer.status_code == 302 and JobFair.objects.get().online


@pytest.mark.parametrize("user", ["gangkou_chair", "langxi_cadre"])
def test_another_village_gets_404_on_songhe_records(login, cast, loan, fair, user):
    client = login(getattr(cast, user))
    employer = fair.employers.create(name="单位")
    assert client.get(f"/employment/loans/{loan.pk}/").status_code == 404
    assert client.post(f"/employment/loans/{loan.pk}/approve/", {}).status_code == 404
    assert client.get(f"/employment/fairs/{fair.pk}/").status_code == 404
    assert client.post(f"/employment/fairs/{fair.pk}/employers/", {}).status_code == 404
    assert (
        client.post(f"/employment/fairs/{fair.pk}/employers/{employer.pk}/posts/", {}).status_code
        == 404
    )
    assert client.post(f"/employment/fairs/{fair.pk}/results/", {}).status_code == 404


def test_a_leader_reads_but_every_write_is_403(login, cast, loan, fair):
    client = login(cast.county_leader)
    assert client.get(f"/employment/loans/{loan.pk}/").status_code == 200
    assert client.get(f"/employment/fairs/{fair.pk}/").status_code == 200
    assert client.post(f"/employment/loans/{loan.pk}/approve/", {}).status_code == 403
    assert client.post(f"/employment/fairs/{fair.pk}/employers/", {}).status_code == 403
    assert client.post(f"/employment/fairs/{fair.pk}/results/", {}).status_code == 403
    assert client.get("/employment/loans/new/").status_code == 403
    assert client.get("/employment/fairs/new/").status_code == 403


def test_the_exports_are_audited(login, cast, loan, fair):
    client = login(cast.songhe_chair)
    assert client.get("/employment/loans/export/").status_code == 200
    assert client.get("/employment/posts/export/").status_code == 200
    assert AuditEvent.objects.filter(action="employment.export").count() == 2


def test_the_figures_page(login, cast, tree, loan):
    body = (
        login(cast.songhe_chair).get(f"/employment/figures/?org={tree.songhe.pk}").content.decode()
    )
    assert "发放创业担保贷款" in body and "/employment/loans/?" in body
    assert login(cast.songhe_chair).get("/employment/").status_code == 200


def test_the_loan_export_reads_back_its_headers_and_the_loan(login, cast, loan):
    rows = sheet_rows(login(cast.songhe_chair).get("/employment/loans/export/").content)
    assert rows[0] == [
        "借款人", "所在组织", "申请金额（元）", "贷款银行", "创业项目/用途", "期限（月）",
        "财政贴息", "状态", "申请日期", "审批日期", "放款日期", "放款金额（元）", "还清日期",
    ]  # fmt: skip
    subsidy = "是" if loan.interest_subsidy else "否"
    assert rows[1] == [
        "周春燕", loan.org.name, "50000.00", "宁国农商银行", "茶叶加工", 24, subsidy,
        loan.get_status_display(), dt.date(2026, 2, 1), "", "", "", "",
    ]  # fmt: skip


def test_the_post_export_has_a_row_a_post_and_a_blank_row_for_an_employer_without(
    login, cast, fair
):
    tea = services.job_fair_add_employer(
        actor=cast.songhe_chair, fair=fair, name="宁国茶厂", sector="制造业"
    )
    services.job_fair_add_post(
        actor=cast.songhe_chair, employer=tea, title="采茶工", openings=5,
        women_friendly=True, salary="3000-4000",
    )  # fmt: skip
    services.job_fair_add_employer(actor=cast.songhe_chair, fair=fair, name="春晖超市")
    rows = sheet_rows(login(cast.songhe_chair).get("/employment/posts/export/").content)
    assert rows[0] == [
        "招聘会",
        "举办日期",
        "用人单位",
        "行业",
        "岗位",
        "招聘人数",
        "适合女性",
        "薪资范围",
    ]
    fair_cells = ["春风行动招聘会", dt.date(2026, 3, 1)]
    assert sorted(rows[1:], key=str) == sorted(
        [
            [*fair_cells, "宁国茶厂", "制造业", "采茶工", 5, "是", "3000-4000"],
            [*fair_cells, "春晖超市", "", "", "", "", ""],
        ],
        key=str,
    )
