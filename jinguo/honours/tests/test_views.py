import pytest

from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.honours.models import FamilyHonour, IndividualHonour


def test_the_list_shows_honours_in_scope(login, cast, family):
    body = login(cast.songhe_chair).get("/honours/").content.decode()
    assert "王秀英家庭" in body
    assert "王秀英家庭" not in login(cast.gangkou_chair).get("/honours/").content.decode()


def test_the_list_answers_htmx_with_rows_only(login, cast, family):
    page = login(cast.songhe_chair).get(
        "/honours/?kind=family&status=nominated", headers={"HX-Request": "true"}
    )
    body = page.content.decode()
    assert "王秀英家庭" in body and "<html" not in body


def test_nominating_a_family_through_the_form(login, cast, tree):
    client = login(cast.songhe_chair)
    assert client.get("/honours/families/new/").status_code == 200
    answer = client.post(
        "/honours/families/new/",
        {
            "org": tree.wushan.pk,
            "family_name": "李家",
            "title": "five_good",
            "level": "county",
            "year": 2026,
        },
    )
    honour = FamilyHonour.objects.get(family_name="李家")
    assert answer.status_code == 302 and answer.url == f"/honours/family/{honour.pk}/"


def test_a_bad_nomination_keeps_what_she_typed(login, cast, tree):
    answer = login(cast.songhe_chair).post(
        "/honours/families/new/",
        {
            "org": tree.wushan.pk,
            "family_name": "书香李家",
            "title": "characteristic",
            "level": "village",
            "year": 2026,
        },
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "书香李家" in body and "特色家庭请填写主题" in body


def test_another_villages_household_is_refused(login, cast, tree):
    from jinguo.households.models import Household

    elsewhere = Household.objects.create(number="GK001", grid=tree.gangkou_grid)
    answer = login(cast.songhe_chair).post(
        "/honours/families/new/",
        {
            "household": elsewhere.pk,
            "family_name": "港家",
            "title": "model",
            "level": "village",
            "year": 2026,
        },
    )
    assert "该家庭不存在" in answer.content.decode()
    assert not FamilyHonour.objects.exists()


def test_nominating_a_person_through_the_picker(login, cast, people):
    answer = login(cast.songhe_chair).post(
        "/honours/individuals/new/",
        {
            "person": people.wushan_exec.pk,
            "title": "march8_red_flag",
            "level": "village",
            "year": 2026,
        },
    )
    honour = IndividualHonour.objects.get()
    assert answer.status_code == 302 and honour.person == people.wushan_exec


def test_another_villages_person_does_not_exist(login, cast, people):
    answer = login(cast.songhe_chair).post(
        "/honours/individuals/new/",
        {
            "person": people.gangkou_exec.pk,
            "title": "march8_red_flag",
            "level": "village",
            "year": 2026,
        },
    )
    assert "所选人员不存在" in answer.content.decode()
    assert not IndividualHonour.objects.exists()


def test_approving_through_the_detail_page(login, cast, family):
    client = login(cast.songhe_chair)
    body = client.get(f"/honours/family/{family.pk}/").content.decode()
    assert f"/honours/family/{family.pk}/approve/" in body and "变更记录" in body
    answer = client.post(
        f"/honours/family/{family.pk}/approve/", {"approve-awarded_on": "2026-03-08"}
    )
    assert answer.status_code == 302
    family.refresh_from_db()
    assert family.status == "approved"


@pytest.mark.parametrize("user", ["gangkou_chair", "langxi_cadre"])
def test_another_village_gets_404_on_songhe_honours(login, cast, family, individual, user):
    client = login(getattr(cast, user))
    assert client.get(f"/honours/family/{family.pk}/").status_code == 404
    assert client.get(f"/honours/individual/{individual.pk}/").status_code == 404
    assert client.post(f"/honours/family/{family.pk}/approve/", {}).status_code == 404
    assert client.post(f"/honours/individual/{individual.pk}/reject/", {}).status_code == 404


def test_a_leader_reads_but_every_write_is_403(login, cast, family):
    client = login(cast.county_leader)
    assert client.get(f"/honours/family/{family.pk}/").status_code == 200
    assert client.post(f"/honours/family/{family.pk}/approve/", {}).status_code == 403
    assert client.get("/honours/families/new/").status_code == 403
    assert client.get("/honours/individuals/new/").status_code == 403


def test_the_export_is_audited(login, cast, family):
    answer = login(cast.songhe_chair).get("/honours/export/?kind=family")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd")
    assert AuditEvent.objects.filter(action="honours.export", actor=cast.songhe_chair).exists()


def test_the_figures_page_links_to_the_list(login, cast, tree, family):
    body = login(cast.songhe_chair).get(f"/honours/figures/?org={tree.songhe.pk}").content.decode()
    assert "家庭荣誉待审批" in body and "/honours/?kind=family" in body


def test_admins_see_no_honours(login, cast, family):
    assert login(cast.system_admin).get("/honours/").status_code == 404


def test_the_individual_tab_lists_people(login, cast, individual):
    body = login(cast.songhe_chair).get("/honours/?kind=individual").content.decode()
    assert "汪秀兰" in body and "三八红旗手" in body


def test_the_export_reads_back_its_headers_and_the_family(login, cast, family):
    rows = sheet_rows(login(cast.songhe_chair).get("/honours/export/?kind=family").content)
    assert rows[0] == [
        "家庭/姓名",
        "称号",
        "特色主题",
        "级别",
        "年度",
        "所在组织",
        "状态",
        "授予日期",
        "事迹",
    ]
    assert rows[1] == [
        "王秀英家庭", family.title_label, getattr(family, "theme", ""), family.get_level_display(),
        2026, family.org.name, family.get_status_display(), "", "孝老爱亲",
    ]  # fmt: skip
