"""A web upload stops at the mapping step: its columns and values, the suggestions, confirming."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jinguo.audit.models import AuditEvent
from jinguo.households.models import Category, Household, HouseholdAssignment, held_categories
from jinguo.imports.models import ImportJob, ImportMapping
from jinguo.imports.tests.conftest import confirm_as_suggested, id_number, xlsx
from jinguo.people.masking import mask_id

pytestmark = pytest.mark.django_db

HEADER = [
    "所在网格",
    "户主姓名",
    "身份证号码",
    "联系电话",
    "家庭住址",
    "家庭类别",
    "包保执委",
    "登记日期",
]


def ledger(*rows, header=HEADER):
    """A ledger kept by hand: a title, a date line, then the header."""
    return xlsx([["嵩合社区重点家庭台账"], ["填报日期：2024年5月1日"], header, *rows])


def wushan_ledger():
    return ledger(
        [
            "巫山",
            "王秀英",
            id_number(seq=1),
            "13800001111",
            "巫山组1号",
            "低保户",
            "汪秀蘭",
            "2024-01-02",
        ],
        ["巫山組", "张兰", id_number(seq=3), "", "巫山组2号", "特困", "汪秀兰", "2024-01-03"],
        ["程家湾", "李梅", id_number(seq=5), "", "程家湾3号", "低保户、残疾", "", ""],
    )


@pytest.fixture
def upload_ledger(login, django_capture_on_commit_callbacks):
    """upload_ledger(user, org, content) → the job after its preview, uploaded on the web."""

    def _upload(user, org, content, name="台账.xlsx"):
        client = login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/imports/new/?org={org.pk}",
                {"kind": "households", "file": SimpleUploadedFile(name, content)},
            )
        return client, ImportJob.objects.order_by("-pk").first()

    return _upload


def _column(job, header):
    return next(c for c in job.preview["columns"] if c["header"] == header)


def _items(job, field):
    return {item["raw"]: item for item in job.preview["values"][field]["items"]}


def test_a_ledger_is_previewed_with_its_columns_samples_and_suggestions(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    _client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    assert job.status == ImportJob.Status.MAPPING
    assert job.preview["header_rows"] == [2] and job.preview["data_start"] == 3
    assert job.preview["rows"] == 3
    assert [c["header"] for c in job.preview["columns"]] == HEADER
    assert [c["suggested"] for c in job.preview["columns"]] == [
        "grid",
        "name",
        "id_number",
        "phone",
        "address",
        "categories",
        "executive",
        "",
    ]
    assert _column(job, "户主姓名")["samples"] == ["王秀英", "张兰", "李梅"]
    assert _column(job, "身份证号码")["samples"][0] == mask_id(id_number(seq=1))
    assert _column(job, "联系电话")["samples"] == ["138****1111"]
    # A date typed as text in a column not imported shows its year, as a date cell does.
    assert _column(job, "登记日期")["samples"] == ["2024-**-**", "2024-**-**"]


def test_values_the_import_would_not_resolve_are_listed_with_suggestions(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    _client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    grids = _items(job, "grid")
    assert {raw: item["suggested"] for raw, item in grids.items()} == {
        "巫山": tree.wushan.pk,
        "巫山組": tree.wushan.pk,
        "程家湾": tree.chengjiawan.pk,
    }
    dibao = Category.objects.get(name="低保")
    assert _items(job, "categories") == {
        "低保户": {"raw": "低保户", "count": 2, "suggested": dibao.pk, "source": "dictionary"}
    }
    # 汪秀兰 is found as written; 汪秀蘭 (traditional) is suggested.
    assert {raw: item["suggested"] for raw, item in _items(job, "executive").items()} == {
        "汪秀蘭": grid_execs.wushan_exec.pk
    }


def test_the_job_page_links_to_the_mapping_and_stops_polling(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    html = client.get(f"/imports/{job.pk}/").content.decode()
    assert "确认对应关系" in html and f"/imports/{job.pk}/mapping/" in html
    assert 'hx-trigger="every 1s"' not in html
    page = client.get(f"/imports/{job.pk}/mapping/")
    assert page.status_code == 200
    assert "不导入（原样保留）" in page.content.decode()
    assert "保留原值（将作为错误报告）" in page.content.decode()


def test_confirming_the_suggestions_queues_the_job_with_its_mapping(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    response = confirm_as_suggested(client, job)  # the run is not started: on commit
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert job.mapping["columns"] == {
        "grid": 0,
        "name": 1,
        "id_number": 2,
        "phone": 3,
        "address": 4,
        "categories": 5,
        "executive": 6,
    }
    assert job.mapping["header_rows"] == [2] and job.mapping["data_start"] == 3
    assert job.mapping["skipped"] == ["登记日期"]
    assert job.mapping["values"]["grid"] == {
        "巫山": tree.wushan.pk,
        "巫山組": tree.wushan.pk,
        "程家湾": tree.chengjiawan.pk,
    }
    assert job.mapping["values"]["executive"] == {"汪秀蘭": grid_execs.wushan_exec.pk}
    saved = ImportMapping.objects.get(org=tree.songhe, kind="households")
    assert saved.columns["登记日期"] == "" and saved.columns["户主姓名"] == "name"
    assert AuditEvent.objects.filter(action="import.mapping", target_id=str(job.pk)).exists()


def test_a_confirmed_mapping_is_applied_by_the_run(
    cast, tree, grid_execs, default_categories, upload_ledger, django_capture_on_commit_callbacks
):
    rows = [
        ["H1", "巫山", "王秀英", id_number(seq=1), "低保户", "汪秀蘭", "2024-01-02"],
        ["H2", "巫山組", "张兰", id_number(seq=3), "特困", "", ""],
    ]
    header = ["户号", "所在网格", "户主姓名", "身份证号码", "家庭类别", "包保执委", "登记日期"]
    client, job = upload_ledger(cast.songhe_chair, tree.songhe, ledger(*rows, header=header))
    with django_capture_on_commit_callbacks(execute=True):
        confirm_as_suggested(client, job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    first = Household.objects.get(number="H1")
    assert first.grid == tree.wushan and Household.objects.get(number="H2").grid == tree.wushan
    assert [c.name for c in held_categories([first.pk])[first.pk]] == ["低保"]
    assignment = HouseholdAssignment.objects.get(household=first, end_date__isnull=True)
    assert assignment.executive == grid_execs.wushan_exec
    html = client.get(f"/imports/{job.pk}/").content.decode()
    assert "“登记日期”列未导入，已在文件中原样保留" in html


def test_the_units_next_file_is_offered_the_saved_mapping(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    # 登记日期 goes to 备注; 程家湾 is kept as written.
    form = client.get(f"/imports/{job.pk}/mapping/").context["form"]
    chengjiawan = next(n for n, f in form.fields.items() if f.label == "程家湾")
    confirm_as_suggested(client, job, col_7="note", **{chengjiawan: ""})
    _client, second = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    assert second.status == ImportJob.Status.MAPPING
    assert _column(second, "登记日期")["suggested"] == "note"
    assert _column(second, "登记日期")["source"] == "saved"
    assert _column(second, "户主姓名")["source"] == "saved"
    assert _items(second, "grid")["巫山"]["source"] == "saved"
    assert _items(second, "grid")["程家湾"]["source"] == "dictionary"


def test_another_units_saved_mapping_is_not_offered(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    ImportMapping.objects.create(
        org=tree.gangkou,
        kind="households",
        columns={"登记日期": "note"},
        updated_by=cast.gangkou_chair,
    )
    _client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    assert _column(job, "登记日期")["suggested"] == ""


def test_a_field_chosen_twice_is_refused_and_every_choice_is_kept(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    response = confirm_as_suggested(client, job, col_4="name", col_7="note")
    assert response.status_code == 200
    html = response.content.decode()
    assert "“姓名”对应了2列（第2、5列），每个字段只能对应一列" in html
    form = response.context["form"]
    assert form["col_4"].value() == "name" and form["col_7"].value() == "note"
    assert form["col_0"].value() == "grid"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING and job.mapping == {}


def test_a_required_field_left_out_is_refused(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    response = confirm_as_suggested(client, job, col_2="")
    assert "请为以下字段选择文件中的列：身份证号" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING


def test_another_units_cadre_cannot_see_or_confirm_the_mapping(
    cast, tree, grid_execs, default_categories, upload_ledger, login
):
    _client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    other = login(cast.gangkou_chair)
    assert other.get(f"/imports/{job.pk}/mapping/").status_code == 404
    assert other.post(f"/imports/{job.pk}/mapping/", {"col_0": "grid"}).status_code == 404
    member = login(cast.wushan_member)
    assert member.get(f"/imports/{job.pk}/mapping/").status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING


def test_a_file_whose_header_is_not_recognised_is_previewed_from_its_first_row(
    cast, tree, default_categories, upload_ledger
):
    content = xlsx([[], ["甲", "乙"], ["1", "2"]])
    _client, job = upload_ledger(cast.songhe_chair, tree.songhe, content)
    assert job.status == ImportJob.Status.MAPPING
    assert job.preview["header_rows"] == [1]
    assert [(c["header"], c["suggested"]) for c in job.preview["columns"]] == [
        ("甲", ""),
        ("乙", ""),
    ]


def test_the_api_path_runs_straight_through(cast, tree, grid_execs, run_import):
    rows = [["H1", tree.wushan.code, "王秀英", "户主", id_number(seq=1)]]
    job = run_import(
        cast.songhe_chair,
        tree.songhe,
        xlsx([["户号", "所属网格", "姓名", "与户主关系", "身份证号"], *rows]),
    )
    assert job.status == ImportJob.Status.DONE and job.preview == {} and job.mapping == {}


def test_a_value_mapped_to_a_target_outside_the_offer_is_dropped(
    cast, tree, grid_execs, default_categories, upload_ledger
):
    from jinguo.imports.services import import_job_confirm_mapping

    _client, job = upload_ledger(cast.songhe_chair, tree.songhe, wushan_ledger())
    columns = {c["index"]: c["suggested"] for c in job.preview["columns"]}
    import_job_confirm_mapping(
        job=job,
        actor=cast.songhe_chair,
        columns=columns,
        values={"grid": {"巫山": tree.gangkou_grid.pk, "程家湾": tree.chengjiawan.pk}},
    )
    job.refresh_from_db()
    assert job.mapping["values"] == {"grid": {"程家湾": tree.chengjiawan.pk}}


def test_a_job_whose_preview_task_was_lost_is_previewed_by_the_requeue(
    cast, tree, default_categories
):
    from jinguo.imports.services import import_job_create, import_jobs_requeue
    from jinguo.imports.tests.conftest import upload

    job = import_job_create(  # its on-commit enqueue never runs
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind="households",
        upload=upload(wushan_ledger()),
        review=True,
    )
    assert job.status == ImportJob.Status.PREVIEWING
    assert import_jobs_requeue() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING and job.preview["rows"] == 3
