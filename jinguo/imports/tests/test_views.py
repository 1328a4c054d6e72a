import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.common.tests.upload_samples import dimension_bomb
from jinguo.households.models import Household
from jinguo.imports.models import ImportJob
from jinguo.imports.services import import_job_create
from jinguo.imports.tests.conftest import (
    confirm_as_suggested,
    id_number,
    member,
    roster,
    sheet_rows,
    upload,
)
from jinguo.people.models import ExecutiveSeat, Person

pytestmark = pytest.mark.django_db


def family(tree):
    return roster(
        member(
            "H001",
            tree.wushan.code,
            "王秀英",
            "户主",
            id_number(seq=1),
            联系电话="13800001111",
            重点类别="低保、残疾",
            包保执委="汪秀兰",
            户籍地址="巫山组1号",
        ),
        member("H001", "", "李明", "配偶", id_number(seq=2, female=False)),
        member(
            "H002",
            tree.chengjiawan.code,
            "张兰",
            "户主",
            id_number(seq=3),
            现居住网格=tree.wushan.code,
            现住址="巫山组安置点8号",
        ),
    )


def queued_job(cast, tree, user=None, org=None):
    return import_job_create(
        actor=user or cast.songhe_chair,
        org=org or tree.songhe,
        kind="households",
        upload=upload(family(tree)),
    )


@pytest.mark.parametrize("who", ["wushan_member", "county_leader", "system_admin", "audit_admin"])
def test_only_cadres_reach_the_import_pages(cast, tree, login, who):
    client = login(getattr(cast, who))
    job = queued_job(cast, tree)
    for url in (
        "/imports/",
        f"/imports/new/?org={tree.songhe.pk}",
        f"/imports/{job.pk}/",
        f"/imports/{job.pk}/errors.xlsx",
        "/imports/template/households.xlsx",
    ):
        assert client.get(url).status_code == 403, url


def test_another_villages_job_and_org_are_not_found(cast, tree, login):
    job = queued_job(cast, tree)
    client = login(cast.gangkou_chair)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.get(f"/imports/{job.pk}/errors.xlsx").status_code == 404
    assert client.get(f"/imports/new/?org={tree.songhe.pk}").status_code == 404
    assert client.get(f"/imports/export/households.xlsx?org={tree.songhe.pk}").status_code == 404
    assert list(client.get("/imports/").context["page"].object_list) == []


def test_uploading_stops_for_the_mapping_then_runs_the_job_and_the_page_shows_the_result(
    cast, tree, grid_execs, login, django_capture_on_commit_callbacks
):
    client = login(cast.songhe_chair)
    page = client.get(f"/imports/new/?org={tree.songhe.pk}&kind=households")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/imports/new/?org={tree.songhe.pk}",
            {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", family(tree))},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    waiting = client.get(response.url).content.decode()
    assert f'href="/imports/{job.pk}/mapping/"' in waiting
    assert 'hx-trigger="every 1s"' not in waiting
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_as_suggested(client, job).status_code == 302
    page = client.get(response.url)
    html = page.content.decode()
    assert "导入完成：新建 5，更新 0，未变 0。" in html
    assert 'hx-trigger="every 1s"' not in html
    assert job.original_name == "台账.xlsx"
    assert job.file.name.startswith("imports/") and "台账" not in job.file.name
    assert Household.objects.count() == 2
    listing = client.get("/imports/")
    assert [j.pk for j in listing.context["page"]] == [job.pk]


def test_the_progress_fragment_polls_every_second_until_the_job_is_finished(cast, tree, login):
    job = queued_job(cast, tree)
    client = login(cast.songhe_chair)
    fragment = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert [t.name for t in fragment.templates] == ["imports/job_progress.html"]
    assert 'hx-trigger="every 1s"' in html and f'hx-get="/imports/{job.pk}/"' in html
    ImportJob.objects.filter(pk=job.pk).update(
        status="validating", total_rows=4000, processed_rows=2000
    )
    html = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已校验 2000 / 4000 行" in html and 'data-width="50"' in html
    ImportJob.objects.filter(pk=job.pk).update(status="failed", message="坏了")
    html = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "坏了" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.csv", b"MZ\x90\x00\x03\x00", "不是有效的Excel 表格"),
        ("空.xlsx", b"", "文件是空的"),
        ("假的.xlsx", b"hello world", "不是有效的Excel 表格"),
    ],
)
def test_uploads_that_are_not_workbooks_are_refused_with_a_clear_message(
    cast, tree, login, name, content, message
):
    client = login(cast.songhe_chair)
    response = client.post(
        f"/imports/new/?org={tree.songhe.pk}",
        {"kind": "households", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_workbook_declaring_the_whole_excel_grid_is_refused_on_the_upload_form(cast, tree, login):
    response = login(cast.songhe_chair).post(
        f"/imports/new/?org={tree.songhe.pk}",
        {"kind": "households", "file": SimpleUploadedFile("名单.xlsx", dimension_bomb())},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert error.startswith("表格范围过大：有1048576行、16384列")
    assert not ImportJob.objects.exists()


def test_the_error_workbook_downloads_for_the_cadre_and_is_audited(cast, tree, login, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, family(tree))  # 汪秀兰 not assigned: errors
    assert job.status == "rejected"
    client = login(cast.songhe_chair)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert f"/imports/{job.pk}/errors.xlsx" in page
    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[1][-1].startswith("未找到包保执委“汪秀兰”")
    assert AuditEvent.objects.filter(
        action="import.errors_download", target_id=str(job.pk)
    ).exists()


def test_templates_download_with_the_template_headers(cast, tree, login):
    client = login(cast.songhe_chair)
    response = client.get("/imports/template/households.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][:5] == ["户号", "所属网格", "姓名", "与户主关系", "身份证号"]
    executives = sheet_rows(
        b"".join(client.get("/imports/template/executives.xlsx").streaming_content)
    )
    assert executives[0][6:8] == ["所属妇联", "职务"]
    assert client.get("/imports/template/nothing.xlsx").status_code == 404


def test_export_masks_numbers_and_is_audited_with_its_row_count(
    cast, tree, grid_execs, login, run_import
):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    client = login(cast.county_leader)
    response = client.get(f"/imports/export/households.xlsx?org={tree.songhe.pk}")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert len(rows) == 4
    first = rows[1]
    assert first[:4] == ["H001", tree.wushan.code, "王秀英", "户主"]
    assert first[4] == id_number(seq=1)[:6] + "********" + id_number(seq=1)[-4:]
    assert first[7] == "138****1111"
    # 低保 and 残疾 are sensitive: one 「敏感类别」 for a leader, neither which nor how many.
    assert first[11] == "敏感类别" and first[12] == "汪秀兰"
    audit = AuditEvent.objects.get(action="households.export")
    assert audit.changes == {"rows": 3, "full_numbers": False, "sensitive_in_clear": False}
    assert audit.actor == cast.county_leader


def test_full_numbers_need_a_cadre_and_a_reason_and_are_audited(
    cast, tree, grid_execs, login, run_import
):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    url = f"/imports/export/households.xlsx?org={tree.songhe.pk}"
    leader = login(cast.county_leader)
    data = {"full_numbers": "on", "purpose": "assistance", "reason": "低保年审核对"}
    assert leader.post(url, data).status_code == 403
    cadre = login(cast.songhe_chair)
    assert cadre.post(url, {**data, "reason": " "}).status_code == 400
    assert cadre.post(url, {**data, "purpose": ""}).status_code == 400
    assert cadre.post(url, {**data, "reason": "核对"}).status_code == 400
    assert not AuditEvent.objects.filter(action="households.export").exists()
    response = cadre.post(url, data)
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[1][4] == id_number(seq=1) and rows[1][7] == "13800001111"
    audit = AuditEvent.objects.get(action="households.export", actor=cast.songhe_chair)
    # The full export also names 低保 and the minors in clear: the audit row says so.
    assert audit.changes == {
        "rows": 3,
        "full_numbers": True,
        "sensitive_in_clear": True,
        "purpose": "assistance",
    }
    assert audit.note == "办理救助/帮扶事项：低保年审核对"


def _with_a_child(tree) -> bytes:
    born = timezone.localdate().replace(day=1) - dt.timedelta(days=8 * 366)
    child = member("H001", "", "李小宝", "子女", id_number(birth=born.strftime("%Y%m%d"), seq=4))
    return roster(*sheet_rows(family(tree))[1:], child)


def _export(client, org, data=None) -> list[list]:
    url = f"/imports/export/households.xlsx?org={org.pk}"
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code == 200
    return sheet_rows(b"".join(response.streaming_content))


def _child_row(rows: list[list]) -> list:
    return next(row for row in rows if row[3] == "子女")


@pytest.mark.parametrize("who", ["songhe_chair", "county_leader"])
def test_export_masks_a_minors_name_and_birth_date_for_a_cadre_and_a_leader(
    cast, tree, grid_execs, login, run_import, who
):
    run_import(cast.songhe_chair, tree.songhe, _with_a_child(tree))
    born = Person.objects.get(name="李小宝").birth_date
    assert born is not None
    child = _child_row(_export(login(getattr(cast, who)), tree.songhe))
    assert child[2] == "李*" and str(child[6]) == str(born.year)


def test_the_grid_member_exports_her_grid_in_clear(cast, tree, grid_execs, login, run_import):
    run_import(cast.songhe_chair, tree.songhe, _with_a_child(tree))
    rows = _export(login(cast.wushan_member), tree.wushan)
    assert rows[1][11] == "低保、残疾"
    assert _child_row(rows)[2] == "李小宝"


def test_the_full_export_shows_categories_and_minors_in_clear(
    cast, tree, grid_execs, login, run_import
):
    run_import(cast.songhe_chair, tree.songhe, _with_a_child(tree))
    data = {"full_numbers": "on", "purpose": "assistance", "reason": "低保年审核对"}
    rows = _export(login(cast.songhe_chair), tree.songhe, data)
    assert rows[1][11] == "低保、残疾" and _child_row(rows)[2] == "李小宝"


def test_export_then_import_changes_nothing(cast, tree, grid_execs, login, run_import):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    client = login(cast.songhe_chair)
    response = client.post(
        f"/imports/export/households.xlsx?org={tree.songhe.pk}",
        {"full_numbers": "on", "purpose": "inspection", "reason": "导出后核对再导入"},
    )
    exported = b"".join(response.streaming_content)
    again = run_import(cast.songhe_chair, tree.songhe, exported)
    assert again.status == "done", again.message
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)


def test_executives_export_then_import_changes_nothing(cast, tree, login, run_import):
    from jinguo.imports.tests.conftest import xlsx
    from jinguo.imports.tests.test_services import EXEC_HEADER

    row = [
        "赵敏",
        id_number(seq=21),
        "女",
        "13700001111",
        "大专",
        "中共党员",
        tree.songhe.code,
        "执委",
        "专职",
        "2021-06-01",
        "",
        "网格长",
        tree.wushan.code,
    ]
    run_import(cast.songhe_chair, tree.songhe, xlsx([EXEC_HEADER, row]), kind="executives")
    assert ExecutiveSeat.objects.count() == 1
    client = login(cast.songhe_chair)
    response = client.post(
        f"/imports/export/executives.xlsx?org={tree.songhe.pk}",
        {"full_numbers": "on", "purpose": "other", "reason": "执委换届需要核对完整名册"},
    )
    exported = b"".join(response.streaming_content)
    rows = sheet_rows(exported)
    assert rows[1][:2] == ["赵敏", id_number(seq=21)]
    assert rows[1][11:] == ["网格长", tree.wushan.code]
    again = run_import(cast.songhe_chair, tree.songhe, exported, kind="executives")
    assert (again.created_count, again.updated_count) == (0, 0), again.summary
    assert again.summary["seats"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_the_job_list_does_not_query_per_job(cast, tree, login, count_queries):
    client = login(cast.songhe_chair)
    for _ in range(2):
        queued_job(cast, tree)
    few = count_queries(lambda: client.get("/imports/"))
    for _ in range(6):
        queued_job(cast, tree)
    assert count_queries(lambda: client.get("/imports/")) == few
