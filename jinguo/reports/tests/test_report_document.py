"""The generated work report: same figures as the apps' selectors, Word and PDF, scope, audit."""

import datetime as dt
import io
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from django.utils import timezone
from docx import Document
from PIL import Image

from jinguo.audit.models import AuditEvent
from jinguo.cases import services
from jinguo.cases.models import Case
from jinguo.cases.selectors import case_figures
from jinguo.cases.tests.factories import closed, report, resolved
from jinguo.households.tests.factories import executive, household
from jinguo.meetings.selectors import meeting_figures
from jinguo.people.selectors import executive_figures
from jinguo.reports.document_chart import Chart, chart_drawing, drawing_png
from jinguo.reports.document_data import period_label, report_data
from jinguo.reports.facts import Facts
from jinguo.reports.narrative import WorkReport, build_work_report, work_report
from jinguo.reports.sections import SECTIONS, dashboard_sections
from jinguo.trainings import services as trainings
from jinguo.trainings.tests.conftest import course as new_course
from jinguo.trainings.tests.conftest import session as held_session
from jinguo.visits.models import Visit

pytestmark = pytest.mark.django_db
PDFTOTEXT = shutil.which("pdftotext")


def _period() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


@pytest.fixture
def songhe(tree, cast, people) -> SimpleNamespace:
    d = SimpleNamespace()
    d.exec1 = executive(tree.songhe, "执委甲", grid=tree.wushan)
    d.exec2 = executive(tree.songhe, "执委乙", grid=tree.chengjiawan)
    d.h1 = household(tree.wushan, "WS-1")
    d.h2 = household(tree.chengjiawan, "CJW-1")
    today = timezone.localdate()
    for h in (d.h1, d.h1, d.h2):
        Visit.objects.create(
            household=h, visited_by=cast.songhe_chair, org=h.grid, channel="home", visited_on=today
        )
    d.written = closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    d.oral = resolved(tree.songhe, people.wushan_exec)
    d.violence = report(tree.chengjiawan, kind="domestic_violence", title="家暴求助")
    return d


def _words(report: WorkReport) -> str:
    return "\n".join(
        text
        for _h, part, subs in report.numbered()
        for p in (part, *(s for _x, s in subs))
        for text in p.paragraphs
    )


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_report_figures_equal_the_apps_figures_selectors(tree, cast, songhe):
    start, end = _period()
    data = report_data(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    cases = {
        f.key: f.value
        for f in case_figures(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    }
    meetings = {
        f.key: f.value
        for f in meeting_figures(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    }
    assert data.value("cases.disputes") == cases["disputes"] == 2
    assert data.value("cases.written_agreements") == cases["written_agreements"] == 1
    assert data.value("meetings.held") == meetings["meetings.held"]
    assert (
        data.value("work.executives")
        == executive_figures(user=cast.songhe_chair, org=tree.songhe).total.value
    )
    assert data.value("work.visits") == 3
    assert data.value("coverage.households") == 2


def test_child_table_rows_come_from_the_same_selector_for_each_child(tree, cast, songhe):
    start, end = _period()
    data = report_data(user=cast.township_cadre, org=tree.helixi, start=start, end=end)
    section = next(s for s in data.sections if s.key == "cases")
    assert section.children is not None
    rows = {row.org.name: row for row in section.children.rows}
    assert set(rows) == {"嵩合社区", "港口村"}
    column = section.children.keys.index("cases.disputes")
    expected = case_figures(user=cast.township_cadre, org=tree.songhe, start=start, end=end)[
        0
    ].value
    assert rows["嵩合社区"].cells[column].value == expected == 2
    assert rows["港口村"].cells[column].value == 0


def test_the_dashboard_and_the_report_show_the_same_sections_in_the_same_order(
    tree, cast, songhe, login
):
    """Issue 22: one list of sections (jinguo.reports.sections.SECTIONS) — the titles of the
    seed documents, e.g. 矛盾纠纷化解, 教育培训, “三新”领域妇联组织建设, 家庭与表彰."""
    start, end = _period()
    user, org = cast.township_cadre, tree.helixi
    titles = [str(spec.title) for spec in SECTIONS]
    assert "矛盾纠纷化解" in titles and "教育培训" in titles and "家庭与表彰" in titles
    board = dashboard_sections(user=user, org=org, start=start, end=end)
    report = report_data(user=user, org=org, start=start, end=end).sections
    assert [str(s.title) for s in board] == [str(s.title) for s in report] == titles
    assert [s.key for s in board] == [s.key for s in report] == [spec.key for spec in SECTIONS]

    client = login(user)
    period = {"org": org.pk, "start": start, "end": end}
    page = client.get("/dashboard/", period).content.decode()
    on_page = re.findall(r'<h2 class="h6 border-bottom pb-1">([^<]*)</h2>', page)
    assert on_page == titles
    # The work report's tables are the registry's sections, in its order.
    words = build_work_report(user=user, org=org, start=start, end=end, today=end)
    in_report = [t.title for t in words.tables()]
    assert in_report and in_report == [t for t in titles if t in in_report]


def test_notable_cases_name_titles_and_outcomes_but_no_people(tree, cast, songhe):
    start, end = _period()
    data = report_data(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    assert [c.number for c in data.notable] == [songhe.written.number]
    assert data.notable[0].tags == ["书面协议"]
    assert all("汪秀兰" not in c.title for c in data.notable)


def test_a_domestic_violence_case_never_accepted_is_not_notable(tree, cast, songhe):
    start, end = _period()
    data = report_data(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    assert songhe.violence.sensitive
    assert songhe.violence.number not in {c.number for c in data.notable}


def _closed(case: Case, assignee, outcome: str) -> Case:
    case = services.case_accept(actor=None, case=case)
    case = services.case_dispatch(actor=None, case=case, assignee=assignee)
    case = services.case_start(actor=None, case=case)
    case = services.case_resolve(actor=None, case=case, outcome=outcome)
    case = services.case_verify(actor=None, case=case, passed=True)
    return services.case_close(actor=None, case=case)


def test_only_closed_cases_with_an_outcome_and_never_sensitive_ones_are_notable(
    tree, cast, songhe, people
):
    still_open = resolved(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    private = _closed(report(tree.wushan, sensitive=True), people.wushan_exec, "written_agreement")
    red = report(tree.wushan, kind="request", title="路灯")
    red = services.case_supervise(actor=None, case=red, level="red")
    red_without_outcome = _closed(red, people.wushan_exec, "")
    start, end = _period()
    data = report_data(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    numbers = {c.number for c in data.notable}
    assert songhe.written.number in numbers
    assert numbers.isdisjoint({still_open.number, private.number, red_without_outcome.number})


def test_songhe_chair_downloads_the_word_report_with_the_selector_figures(
    tree, cast, songhe, login
):
    start, end = _period()
    response = login(cast.songhe_chair).get(
        "/reports/work.docx", {"org": tree.songhe.pk, "start": start, "end": end}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = _docx_text(response.content)
    assert "嵩合社区" in text
    assert f"嵩合社区妇联{start.year}年工作总结" in text
    assert "排查化解矛盾纠纷2件" in text
    assert "达成书面调解协议1件" in text
    assert "执委入户走访3次" in text
    assert "家暴求助" not in text  # sensitive: never named in the report
    assert "汪秀兰" not in text


def test_download_writes_an_audit_row_with_org_period_and_format(tree, cast, login):
    login(cast.songhe_chair).get(
        "/reports/work.pdf", {"org": tree.songhe.pk, "start": "2025-01-01", "end": "2025-06-30"}
    )
    event = AuditEvent.objects.get(action="reports.work_report")
    assert event.actor == cast.songhe_chair
    assert str(tree.songhe.pk) in event.note
    assert "2025-01-01" in event.note and "2025-06-30" in event.note and "pdf" in event.note


def test_pdf_report_is_a_real_pdf(tree, cast, songhe, login):
    response = login(cast.songhe_chair).get("/reports/work.pdf", {"org": tree.helixi.pk})
    assert response.status_code == 404  # helixi is above songhe_chair
    response = login(cast.township_cadre).get("/reports/work.pdf", {"org": tree.helixi.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000
    assert response["Cache-Control"] == "no-store"


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils not installed")
def test_the_pdf_draws_every_unit_with_a_glyph_of_its_font(tree, cast, people, login):
    """STSong-Light (GB2312) has no glyph for U+00B7: «人·小时» came out as «人 小时»."""
    course = new_course(cast.township_cadre, tree.helixi, "执委履职能力培训")
    trainings.course_enrol(actor=cast.township_cadre, course=course, people=[people.wushan_exec])
    session = held_session(cast.township_cadre, course, timezone.localdate(), "2")
    trainings.session_record_attendance(
        actor=cast.township_cadre, session=session, attended=[people.wushan_exec]
    )
    response = login(cast.township_cadre).get("/reports/work.pdf", {"org": tree.helixi.pk})
    text = subprocess.run(  # noqa: S603 (poppler on the response's own PDF)
        [str(PDFTOTEXT), "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"累计学时 ?[\d.,]+ ?人[·・]\s*小时", text), text


@pytest.mark.parametrize("path", ["/reports/", "/reports/work.docx", "/reports/work.pdf"])
def test_gangkou_chair_cannot_get_songhe_report(tree, cast, login, path):
    assert login(cast.gangkou_chair).get(path, {"org": tree.songhe.pk}).status_code == 404
    assert login(cast.langxi_cadre).get(path, {"org": tree.songhe.pk}).status_code == 404


def test_admin_without_business_scope_gets_404(tree, cast, client):
    client.force_login(cast.system_admin)
    response = client.get("/reports/work.docx")
    assert response.status_code in (302, 404)  # admins pass TOTP first; never a report
    assert not AuditEvent.objects.filter(action="reports.work_report").exists()


def test_county_leader_may_download_the_read_only_report(tree, cast, songhe, login):
    client = login(cast.county_leader)
    assert client.get("/reports/work.docx", {"org": tree.songhe.pk}).status_code == 200
    assert client.get("/reports/work.pdf").status_code == 200


def test_report_of_an_org_without_records_says_none(tree, cast, login):
    response = login(cast.langxi_cadre).get("/reports/work.docx", {"org": tree.dongmen.pk})
    assert response.status_code == 200
    text = _docx_text(response.content)
    assert "东门村妇联" in text
    assert "暂无" in text
    assert (
        login(cast.langxi_cadre)
        .get("/reports/work.pdf", {"org": tree.dongmen.pk})
        .content.startswith(b"%PDF")
    )


def test_unknown_format_is_404(tree, cast, login):
    assert login(cast.songhe_chair).get("/reports/work.txt").status_code == 404


def test_report_page_defaults_to_own_org_and_links_downloads(tree, cast, login):
    response = login(cast.songhe_chair).get("/reports/")
    assert response.status_code == 200
    body = response.content.decode()
    start, _end = _period()
    assert f"/reports/work.docx?org={tree.songhe.pk}&amp;start={start:%Y-%m-%d}" in body
    assert "/reports/work.pdf" in body
    assert "嵩合社区" in body


def test_period_labels_read_like_a_report():
    assert period_label(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == "2025年"
    assert period_label(dt.date(2025, 1, 1), dt.date(2025, 6, 30)) == "2025年上半年"
    assert period_label(dt.date(2025, 4, 1), dt.date(2025, 6, 30)) == "2025年第二季度"
    assert period_label(dt.date(2025, 7, 1), dt.date(2025, 12, 31)) == "2025年下半年"
    assert period_label(dt.date(2025, 1, 1), dt.date(2025, 5, 20)) == "2025年1月1日至2025年5月20日"


def test_chart_renders_to_a_png():
    png = drawing_png(chart_drawing(Chart("走访", ["嵩合社区", "港口村"], [12, 3])))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 400


def test_the_report_sentence_says_emotional_disputes_found_and_resolved(tree, cast, people):
    report(tree.wushan, kind="dispute_emotional", title="情感纠纷甲")  # found, still open
    resolved(tree.wushan, people.wushan_exec, kind="dispute_emotional")
    start, end = _period()
    data = report_data(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    assert (data.value("cases.emotional_found"), data.value("cases.emotional_resolved")) == (2, 1)
    words = work_report(data, Facts())
    assert "排查情感纠纷2起，成功化解1起" in _words(words)


def test_the_report_never_counts_person_times_of_sessions_it_does_not_count(tree, cast, people):
    # The township's course, attended by a Songhe executive: not a Songhe session.
    course = new_course(cast.township_cadre, tree.helixi, "执委履职能力培训")
    trainings.course_enrol(actor=cast.township_cadre, course=course, people=[people.wushan_exec])
    session = held_session(cast.township_cadre, course, timezone.localdate(), "2")
    trainings.session_record_attendance(
        actor=cast.township_cadre, session=session, attended=[people.wushan_exec]
    )
    start, end = _period()
    village = report_data(user=cast.songhe_chair, org=tree.songhe, start=start, end=end)
    assert (village.value("trainings.sessions"), village.value("trainings.person_times")) == (0, 0)
    town = report_data(user=cast.township_cadre, org=tree.helixi, start=start, end=end)
    assert (town.value("trainings.sessions"), town.value("trainings.person_times")) == (1, 1)
    assert "举办培训1场，培训1人次" in _words(work_report(town, Facts()))
