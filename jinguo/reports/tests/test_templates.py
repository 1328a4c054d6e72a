"""A county's own Word template of the work report: its cadre uploads it, the reports of every
unit below wear it (红头, headings, figures), a broken one is refused in Chinese with nothing
saved, lower units and read-only roles cannot upload, other counties keep the built-in layout,
and deactivating it brings the built-in layout back."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed
from jinguo.reports.models import ReportTemplate, ReportTemplateChange
from jinguo.reports.template_sample import sample_template_docx
from jinguo.rounds import services as rounds
from jinguo.rounds.models import Round, Submission

pytestmark = pytest.mark.django_db

RED_HEAD = "宁国市妇女联合会文件"
TAGS = (
    RED_HEAD,
    "{{ title }}",
    "{%p for part in parts %}",
    "{{ part.heading }}",
    "{%p for sub in part.subsections %}",
    "{{ sub.heading }}",
    "{%p endfor %}",
    "{%p endfor %}",
    '化解纠纷{{ figures["cases.disputes"].value }}{{ figures["cases.disputes"].unit }}',
    "{{ signature }}　{{ date }}",
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx_of(lines: tuple[str, ...]) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, *, name: str = "宁国市红头模板", activate: bool = True):
    return client.post(
        "/reports/templates/",
        {
            "name": name,
            "file": SimpleUploadedFile("红头.docx", content),
            **({"activate": "on"} if activate else {}),
        },
    )


def texts(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


def report_of(client, org) -> list[str]:
    return texts(client.get(f"/reports/work.docx?org={org.pk}"))


@pytest.fixture
def county_template(tree, cast, people, login) -> ReportTemplate:
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    response = upload(login(cast.county_cadre), docx_of(TAGS))
    assert response.status_code == 302, response.content.decode()[:3000]
    return ReportTemplate.objects.get()


def test_a_county_cadre_uploads_a_template_and_a_village_report_below_wears_it(
    tree, cast, county_template, login
):
    assert county_template.is_active and county_template.org == tree.ningguo
    lines = report_of(login(cast.songhe_chair), tree.songhe)
    assert lines[0] == RED_HEAD
    assert lines[1].startswith("嵩合社区妇联") and lines[1].endswith("工作总结")
    assert "一、基本情况" in lines and "二、主要做法和成效" in lines
    assert "（一）矛盾纠纷排查化解" in lines or any(line.startswith("（一）") for line in lines)
    assert "化解纠纷1件" in lines
    assert lines[-1].startswith("嵩合社区妇联　")


def test_the_upload_is_stored_encrypted_and_written_to_history_and_audit(
    tree, cast, county_template, settings
):
    on_disk = (settings.MEDIA_ROOT / county_template.file.name).read_bytes()
    assert not on_disk.startswith(b"PK")  # encrypted at rest
    with county_template.file.open("rb") as handle:
        stored = Document(io.BytesIO(handle.read()))
    assert [p.text for p in stored.paragraphs] == list(TAGS)
    actions = list(ReportTemplateChange.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["upload", "activate"]
    audited = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report_template.upload", "report_template.activate"} <= audited


def test_a_broken_template_is_refused_in_chinese_and_nothing_is_saved(tree, cast, login):
    response = upload(login(cast.county_cadre), docx_of(("{{ title ",)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "模板标签写法有误" in page
    assert "宁国市红头模板" in page  # the name typed is kept
    assert not ReportTemplate.objects.exists()
    assert not ReportTemplateChange.objects.exists()


def test_an_unknown_variable_or_figure_is_named(tree, cast, login):
    client = login(cast.county_cadre)
    page = upload(client, docx_of(("{{ titel }}",))).content.decode()
    assert "不存在的变量或数据项“titel”" in page
    page = upload(client, docx_of(('{{ figures["no.such"].value }}',))).content.decode()
    assert "“no.such”" in page
    assert not ReportTemplate.objects.exists()


def test_a_template_cannot_reach_into_python(tree, cast, login):
    page = upload(
        login(cast.county_cadre), docx_of(("{{ title.__class__.__mro__ }}",))
    ).content.decode()
    assert "模板中有不允许的写法" in page
    assert not ReportTemplate.objects.exists()


def test_a_file_that_is_not_a_word_document_is_refused(tree, cast, login):
    page = upload(login(cast.county_cadre), b"%PDF-1.4 not a docx").content.decode()
    assert "不是 Word 文档" in page
    assert not ReportTemplate.objects.exists()


def test_the_sample_template_downloads_and_uploads_as_it_is(tree, cast, login):
    client = login(cast.county_cadre)
    sample = client.get("/reports/templates/sample.docx")
    assert sample.status_code == 200
    assert upload(client, sample.content).status_code == 302
    lines = report_of(login(cast.songhe_chair), tree.songhe)
    assert lines[0] == "嵩合社区妇女联合会"
    assert "一、基本情况" in lines
    assert not any(line[:1] in "，。；、：" for line in lines if line)


@pytest.mark.parametrize("user", ["township_cadre", "county_leader", "songhe_chair"])
def test_lower_units_and_read_only_roles_cannot_upload(tree, cast, login, user):
    response = upload(login(getattr(cast, user)), sample_template_docx())
    assert response.status_code == 403
    assert not ReportTemplate.objects.exists()


def test_the_page_documents_the_variables_for_everyone(tree, cast, login):
    page = login(cast.township_cadre).get("/reports/templates/").content.decode()
    assert "{{ title }}" in page and "part.subsections" in page and "work.visits" in page
    assert "系统内置版式" in page
    assert "上传模板" not in page  # a township has no template of its own


def test_another_county_keeps_the_built_in_layout(tree, cast, county_template, login):
    lines = report_of(login(cast.langxi_cadre), tree.dongmen)
    assert RED_HEAD not in lines
    assert lines[0].startswith("东门村妇联")  # the built-in layout opens with the title


def test_another_county_cannot_download_or_switch_the_template(tree, cast, county_template, login):
    client = login(cast.langxi_cadre)
    assert client.get(f"/reports/templates/{county_template.pk}/file.docx").status_code == 404
    url = f"/reports/templates/{county_template.pk}/deactivate/"
    assert client.post(url).status_code == 404
    assert login(cast.county_leader).post(url).status_code == 403  # reads, never writes
    county_template.refresh_from_db()
    assert county_template.is_active


def test_deactivating_returns_to_the_built_in_layout(tree, cast, county_template, login):
    client = login(cast.county_cadre)
    response = client.post(f"/reports/templates/{county_template.pk}/deactivate/")
    assert response.status_code == 302
    lines = report_of(login(cast.songhe_chair), tree.songhe)
    assert RED_HEAD not in lines and lines[0].startswith("嵩合社区妇联")
    login(cast.county_cadre).post(f"/reports/templates/{county_template.pk}/activate/")
    assert report_of(login(cast.songhe_chair), tree.songhe)[0] == RED_HEAD


def test_a_new_active_template_replaces_the_old_one(tree, cast, county_template, login):
    client = login(cast.county_cadre)
    other = (RED_HEAD + "（新版）", *TAGS[1:])
    assert upload(client, docx_of(other), name="新版").status_code == 302
    assert list(ReportTemplate.objects.filter(is_active=True).values_list("name", flat=True)) == [
        "新版"
    ]
    assert report_of(login(cast.songhe_chair), tree.songhe)[0] == RED_HEAD + "（新版）"


def test_the_pdf_stays_built_in(tree, cast, county_template, login):
    response = login(cast.songhe_chair).get(f"/reports/work.pdf?org={tree.songhe.pk}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_rounds_submitted_report_and_consolidated_report_wear_the_template(
    tree, cast, county_template, login
):
    today = timezone.localdate()
    round_ = rounds.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=5),
        targets=[tree.songhe],
    )
    target = round_.targets.get()
    rounds.target_submit(actor=cast.songhe_chair, target=target, texts={}, answers=[])
    submission = Submission.objects.get()
    client = login(cast.township_cadre)
    lines = texts(client.get(f"/rounds/submissions/{submission.pk}/report.docx"))
    assert lines[0] == RED_HEAD and lines[1].startswith("嵩合社区妇联")
    assert "化解纠纷1件" in lines
    lines = texts(client.get(f"/rounds/{round_.pk}/report.docx"))
    assert lines[0] == RED_HEAD and "河沥溪街道妇联" in lines[1]


def test_photos_of_an_answer_follow_a_report_written_through_the_template(tree, county_template):
    from PIL import Image

    from jinguo.reports.documents import unit_report_docx
    from jinguo.reports.gongwen import PHOTOS_HEADING, ReportPhoto
    from jinguo.reports.narrative import WorkReport

    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, "JPEG")
    report = WorkReport("嵩合社区妇联2026年工作总结", "嵩合社区妇联", "2026年12月7日", [])
    content = unit_report_docx(
        report,
        org=tree.songhe,
        period="2026年",
        figures=dict,
        photos=[ReportPhoto(picture.getvalue(), "巾帼志愿服务")],
    )
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    assert lines[0] == RED_HEAD  # the county's template
    assert PHOTOS_HEADING in lines and "图1　巾帼志愿服务" in lines
    assert len(document.inline_shapes) == 1
