import datetime as dt

import pytest

from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.people.models import Person
from jinguo.sanxin.models import SanxinOrg, SanxinTarget, SanxinWorker
from jinguo.sanxin.services import exemplary_add
from jinguo.sanxin.targets import sanxin_target_create
from jinguo.sanxin.tests.conftest import register
from jinguo.sanxin.workers import sanxin_worker_add


@pytest.fixture
def worker(cast, sx) -> SanxinWorker:
    return sanxin_worker_add(
        actor=cast.songhe_chair, sanxin_org=sx.courier,
        new_person={"name": "李梅", "gender": "F", "phone": "13912345678"},
        joined_on=dt.date(2024, 5, 1),
    )  # fmt: skip


@pytest.fixture
def exemplary(cast, tree):
    woman = Person.objects.create(org=tree.songhe, name="汪红", gender="F")
    return exemplary_add(actor=cast.songhe_chair, org=tree.songhe, person=woman, reason="创业",
                         listed_on=dt.date(2025, 1, 1))  # fmt: skip


def test_the_registry_page_lists_and_filters(login, cast, sx):
    client = login(cast.songhe_chair)
    page = client.get("/sanxin/").content.decode()
    assert "宁国速达快递" in page and "港口律师事务所" not in page
    rows = client.get("/sanxin/?category=new_employment", HTTP_HX_REQUEST="true")
    body = rows.content.decode()
    assert "美团骑手站" in body and "宁国速达快递" not in body and "<html" not in body


@pytest.mark.parametrize("user", ["gangkou_chair", "langxi_cadre"])
def test_another_village_cannot_see_a_songhe_organisation(login, cast, sx, worker, exemplary, user):
    client = login(getattr(cast, user))
    o = sx.courier
    for url in [f"/sanxin/{o.pk}/", f"/sanxin/{o.pk}/edit/", f"/sanxin/{o.pk}/workers/new/"]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (f"/sanxin/{o.pk}/federation/", {"name": "x", "established_on": "2025-01-01"}),
        (f"/sanxin/{o.pk}/edit/", {"name": "x"}),
        (f"/sanxin/workers/{worker.pk}/leave/", {"left_on": "2025-01-01"}),
        (f"/sanxin/exemplary/{exemplary.pk}/delist/", {"delisted_on": "2025-02-01"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert client.get(f"/sanxin/?org={o.org_id}").status_code == 404


def test_the_county_leader_reads_but_cannot_write(login, cast, tree, sx, worker, exemplary):
    client = login(cast.county_leader)
    o = sx.courier
    assert client.get(f"/sanxin/{o.pk}/").status_code == 200
    assert client.get(f"/sanxin/new/?org={tree.songhe.pk}").status_code == 403
    assert client.get(f"/sanxin/{o.pk}/edit/").status_code == 403
    assert client.post(f"/sanxin/{o.pk}/federation/", {"name": "x"}).status_code == 403
    assert client.get(f"/sanxin/{o.pk}/workers/new/").status_code == 403
    assert client.post(f"/sanxin/workers/{worker.pk}/leave/", {}).status_code == 403
    assert client.post(f"/sanxin/exemplary/{exemplary.pk}/delist/", {}).status_code == 403
    assert client.get("/sanxin/exemplary/new/").status_code == 403
    assert client.get("/sanxin/targets/new/").status_code == 403


def test_administrators_see_nothing(login, cast, sx):
    client = login(cast.system_admin)
    assert client.get("/sanxin/").status_code == 404
    assert client.get(f"/sanxin/{sx.courier.pk}/").status_code == 404


def test_registering_through_the_form_keeps_what_she_typed_on_error(login, cast, tree):
    client = login(cast.songhe_chair)
    data = {
        "org": tree.songhe.pk, "name": "新开网店", "credit_code": "91350100M000100Y44",
        "category": "new_economic", "sector": "live_commerce", "workers": 5, "women_workers": 3,
        "registered_on": "2025-01-01",
    }  # fmt: skip
    answer = client.post(f"/sanxin/new/?org={tree.songhe.pk}", data)
    page = answer.content.decode()
    assert answer.status_code == 200 and "第18位应为3" in page and "新开网店" in page
    data["credit_code"] = "91350100M000100Y43"
    answer = client.post(f"/sanxin/new/?org={tree.songhe.pk}", data)
    created = SanxinOrg.objects.get(name="新开网店")
    assert answer.status_code == 302 and answer.url == f"/sanxin/{created.pk}/"


def test_a_form_cannot_register_at_another_village(login, cast, tree):
    client = login(cast.songhe_chair)
    data = {"org": tree.gangkou.pk, "name": "越界", "category": "new_economic",
            "sector": "courier", "workers": 1, "women_workers": 0}  # fmt: skip
    answer = client.post(f"/sanxin/new/?org={tree.songhe.pk}", data)
    assert answer.status_code == 200 and not SanxinOrg.objects.filter(name="越界").exists()


def test_establishing_from_the_detail_page(login, cast, tree, sx):
    client = login(cast.songhe_chair)
    assert "建立妇联组织" in client.get(f"/sanxin/{sx.riders.pk}/").content.decode()
    answer = client.post(
        f"/sanxin/{sx.riders.pk}/federation/", {"name": "骑手妇联", "established_on": "2025-03-01"}
    )
    assert answer.status_code == 302
    sx.riders.refresh_from_db()
    assert sx.riders.federation.name == "骑手妇联"
    page = client.get(f"/sanxin/{sx.riders.pk}/").content.decode()
    assert "建立妇联" in page and "2025-03-01" in page


def test_adding_a_worker_refuses_a_person_of_another_village(login, cast, tree, sx, people):
    client = login(cast.songhe_chair)
    url = f"/sanxin/{sx.courier.pk}/workers/new/"
    answer = client.post(url, {"person": people.gangkou_exec.pk, "joined_on": "2025-01-01"})
    assert answer.status_code == 200 and not SanxinWorker.objects.exists()
    answer = client.post(url, {"person": people.wushan_exec.pk, "joined_on": "2025-01-01"})
    assert answer.status_code == 302
    assert SanxinWorker.objects.get().person == people.wushan_exec


def test_the_women_roster_export_masks_phones_and_is_audited(login, cast, worker):
    client = login(cast.songhe_chair)
    page = client.get("/sanxin/workers/?women=1").content.decode()
    assert "李梅" in page and "139****5678" in page and "13912345678" not in page
    answer = client.get("/sanxin/workers/export.xlsx?women=1")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd")
    assert AuditEvent.objects.filter(action="sanxin.export_women").exists()
    assert client.get("/sanxin/export.xlsx").status_code == 200
    assert AuditEvent.objects.filter(action="sanxin.export").exists()


def test_the_registry_list_does_not_query_per_row(login, cast, tree, count_queries):
    client = login(cast.county_cadre)

    def add(n, start):
        for i in range(n):
            o = register(cast.county_cadre, tree.songhe, name=f"公司{start + i}")
            sanxin_worker_add(actor=cast.county_cadre, sanxin_org=o,
                              new_person={"name": f"人{start + i}", "gender": "F"},
                              joined_on=dt.date(2024, 1, 1))  # fmt: skip

    add(2, 0)
    urls = ["/sanxin/", "/sanxin/workers/?women=1", "/sanxin/exemplary/", "/sanxin/targets/"]
    few = [count_queries(lambda u=u: client.get(u)) for u in urls]
    add(4, 10)
    assert [count_queries(lambda u=u: client.get(u)) for u in urls] == few


def test_targets_page_links_each_progress_to_its_records(login, cast, tree, sx):
    target = sanxin_target_create(
        actor=cast.city_cadre, org=tree.city, title="到2026年建立千个三新领域妇联组织",
        metric=SanxinTarget.Metric.ORGS, target_value=1000,
        period_start=dt.date(2024, 1, 1), deadline=dt.date(2026, 12, 31),
    )  # fmt: skip
    client = login(cast.city_cadre)
    page = client.get(f"/sanxin/targets/?org={tree.city.pk}").content.decode()
    assert f"/sanxin/?target={target.pk}" in page and "3 / 1000" in page
    listed = client.get(f"/sanxin/?target={target.pk}").content.decode()
    assert listed.count('sanxin-row"') == 3
    # A village cadre does not see the city's target.
    assert login(cast.songhe_chair).get(f"/sanxin/?target={target.pk}").status_code == 404


def test_a_target_form_for_an_org_out_of_reach_is_refused(login, cast, tree):
    client = login(cast.langxi_cadre)
    data = {"org": tree.ningguo.pk, "title": "x", "metric": "orgs_registered",
            "target_value": 3, "period_start": "2025-01-01", "deadline": "2026-01-01"}  # fmt: skip
    assert client.post("/sanxin/targets/new/", data).status_code == 200
    assert not SanxinTarget.objects.exists()


def test_the_exemplary_roster_add_and_delist(login, cast, tree):
    woman = Person.objects.create(org=tree.songhe, name="汪红", gender="F")
    client = login(cast.songhe_chair)
    answer = client.post("/sanxin/exemplary/new/", {
        "person": woman.pk, "org": tree.songhe.pk, "reason": "带领姐妹直播带货",
        "listed_on": "2025-02-01",
    })  # fmt: skip
    assert answer.status_code == 302
    page = client.get("/sanxin/exemplary/").content.decode()
    assert "汪红" in page and "带领姐妹直播带货" in page


def test_the_figures_page_renders(login, cast, tree, sx):
    page = login(cast.county_cadre).get(f"/sanxin/figures/?org={tree.ningguo.pk}")
    assert page.status_code == 200 and "登记三新组织" in page.content.decode()


def test_every_page_renders_for_the_songhe_chair(login, cast, tree, sx, worker, exemplary):
    client = login(cast.songhe_chair)
    o = sx.courier
    for url in [
        "/sanxin/", f"/sanxin/new/?org={tree.songhe.pk}", f"/sanxin/{o.pk}/",
        f"/sanxin/{o.pk}/edit/", f"/sanxin/{o.pk}/workers/new/", "/sanxin/workers/",
        "/sanxin/exemplary/", "/sanxin/exemplary/new/", "/sanxin/targets/",
        "/sanxin/targets/new/", "/sanxin/figures/",
    ]:  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_editing_and_a_worker_leaving_through_the_pages(login, cast, sx, worker):
    client = login(cast.songhe_chair)
    o = sx.courier
    data = {"name": o.name, "category": "new_economic", "sector": "courier", "workers": 50,
            "women_workers": 20, "registered_on": "2024-01-01", "is_active": "on"}  # fmt: skip
    assert client.post(f"/sanxin/{o.pk}/edit/", data).status_code == 302
    o.refresh_from_db()
    assert o.workers == 50
    answer = client.post(f"/sanxin/workers/{worker.pk}/leave/", {"left_on": "2025-01-01"})
    assert answer.status_code == 302
    worker.refresh_from_db()
    assert worker.left_on == dt.date(2025, 1, 1)
    page = client.get(f"/sanxin/{o.pk}/").content.decode()
    assert "从业人员数：10 → 50" in page


def test_the_worker_export_reads_back_its_headers_and_a_masked_phone(login, cast, worker):
    content = login(cast.songhe_chair).get("/sanxin/workers/export.xlsx?women=1").content
    rows = sheet_rows(content)
    assert rows[0] == ["姓名", "性别", "联系电话", "三新组织", "登记组织", "岗位", "入职日期"]
    assert rows[1] == [
        "李梅", "女", "139****5678", worker.sanxin_org.name, worker.sanxin_org.org.name,
        worker.position, dt.date(2024, 5, 1),
    ]  # fmt: skip


def test_the_org_export_reads_back_its_headers_and_a_masked_contact_phone(login, cast, worker):
    rows = sheet_rows(login(cast.songhe_chair).get("/sanxin/export.xlsx").content)
    assert rows[0] == [
        "名称", "统一社会信用代码", "登记组织", "类别", "行业", "从业人员数", "女性从业人员数",
        "已建党组织", "已建妇联", "妇联组织", "妇联建立日期", "联系人", "联系电话", "地址",
        "登记日期",
    ]  # fmt: skip
    courier = next(row for row in rows[1:] if row[0] == worker.sanxin_org.name)
    org = worker.sanxin_org
    assert courier[1:3] == [org.credit_code, org.org.name]
    assert courier[7:9] == [
        "是" if org.has_party_org else "否",
        "是" if org.has_federation else "否",
    ]
    assert courier[12] == org.masked_contact_phone
