"""The work report reads as a 工作总结 a federation hands in: the 公文 layout (GB/T 9704), four
sections drafted from the records, tables only where they inform, and a PDF that renders."""

import datetime as dt
import io
import re
import shutil
import subprocess
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed, report, resolved
from jinguo.households.tests.factories import executive, household
from jinguo.reports.document_data import period_label, report_data
from jinguo.reports.facts import Facts, report_facts
from jinguo.reports.narrative import build_work_report, work_report
from jinguo.reports.wording import chinese_number, clauses, money, sentence
from jinguo.visits.models import Visit

pytestmark = pytest.mark.django_db
POPPLER = shutil.which("pdftoppm") and shutil.which("pdfinfo") and shutil.which("pdffonts")
PUNCTUATION = "，。；：、？！）》」』】"


@pytest.fixture
def records(tree, cast, people) -> SimpleNamespace:
    d = SimpleNamespace()
    d.exec1 = executive(tree.songhe, "执委甲", grid=tree.wushan)
    today = timezone.localdate()
    for h in (household(tree.wushan, "WS-1"), household(tree.wushan, "WS-2")):
        Visit.objects.create(
            household=h, visited_by=cast.songhe_chair, org=h.grid, channel="home", visited_on=today
        )
    d.written = closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    d.at_community = resolved(tree.songhe, people.wushan_exec)
    d.violence = report(tree.chengjiawan, kind="domestic_violence", title="家暴求助")
    return d


def _docx(client: Any, org: Any) -> Any:
    response = client.get("/reports/work.docx", {"org": org.pk})
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def _paragraphs(document: Any) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def test_the_word_report_is_a4_with_the_official_margins_and_fonts(tree, cast, records, login):
    document = _docx(login(cast.songhe_chair), tree.songhe)
    section = document.sections[0]
    sizes = ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin")
    mm = [round(getattr(section, name).mm) for name in (*sizes, "right_margin")]
    assert mm == [210, 297, 37, 35, 28, 26]  # Word stores twips: whole millimetres
    title = document.paragraphs[0]
    assert title.text == f"嵩合社区妇联{timezone.localdate().year}年工作总结"
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0].font.name == "方正小标宋简体"
    heading = next(p for p in document.paragraphs if p.text == "一、基本情况")
    assert heading.runs[0].font.name == "黑体"
    assert heading.paragraph_format.keep_with_next  # a heading never ends a page
    level_two = next(p for p in document.paragraphs if p.text.startswith("（一）"))
    assert level_two.runs[0].font.name == "楷体_GB2312"
    body = next(p for p in document.paragraphs if p.text.startswith("嵩合社区妇联现有执委"))
    assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    footer = "".join(section.footer.paragraphs[0].text)
    assert footer.startswith("— ") and footer.endswith(" —")
    assert document.settings.odd_and_even_pages_header_footer


def test_the_report_has_the_four_sections_of_a_work_summary_in_order(tree, cast, records, login):
    texts = [p.text for p in _docx(login(cast.songhe_chair), tree.songhe).paragraphs]
    headings = [t for t in texts if re.match(r"^[一二三四五六七八九十]+、", t)]
    assert headings == ["一、基本情况", "二、主要做法和成效", "三、存在问题", "四、下一步打算"]
    assert texts[-2:] == [
        "嵩合社区妇联",
        f"{timezone.localdate():%Y}年{timezone.localdate().month}月{timezone.localdate().day}日",
    ]


@pytest.mark.parametrize(
    "who,org",
    [("songhe_chair", "songhe"), ("township_cadre", "helixi"), ("langxi_cadre", "dongmen")],
)
def test_no_paragraph_or_cell_starts_with_punctuation(tree, cast, records, login, who, org):
    document = _docx(login(getattr(cast, who)), getattr(tree, org))
    bad = [t for t in _paragraphs(document) if t and t[0] in PUNCTUATION]
    assert not bad


def test_no_table_has_a_column_or_row_of_zeros(tree, cast, records, login):
    document = _docx(login(cast.township_cadre), tree.helixi)
    assert document.tables, "the township's report has per-unit tables"
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows][1:]
        assert len(rows) >= 2
        for row in rows:
            assert any(v not in ("0", "0.0") for v in row[1:]), row
        for col in range(1, len(table.columns)):
            assert any(row[col] not in ("0", "0.0") for row in rows), col


def test_a_communitys_own_cases_are_its_own_row_beside_its_grids(tree, cast, records):
    start, end = timezone.localdate().replace(month=1, day=1), timezone.localdate()
    report_ = build_work_report(
        user=cast.songhe_chair, org=tree.songhe, start=start, end=end, today=end
    )
    cases = next(t for t in report_.tables() if t.title == "矛盾纠纷化解")
    rows = {row[0]: row[1] for row in cases.rows}
    assert rows["嵩合社区本级"] == "1"  # the case kept at the community itself
    assert rows["巫山组网格"] == "1"


def test_workflow_states_and_sensitive_cases_are_not_reported_as_results(
    tree, cast, records, login
):
    text = "\n".join(_paragraphs(_docx(login(cast.songhe_chair), tree.songhe)))
    assert "待审批" not in text and "待审核" not in text
    assert "家暴求助" not in text
    assert "“婆媳矛盾”（婚姻家庭纠纷），经调解达成书面协议" in text


def test_problems_and_plans_are_drafted_from_the_gaps_in_the_records(tree, cast, records):
    today = timezone.localdate()
    data = report_data(user=cast.township_cadre, org=tree.helixi, start=today, end=today)
    facts = report_facts(
        user=cast.township_cadre, org=tree.helixi, start=today, end=today, today=today
    )
    words = work_report(data, facts)
    problems = "".join(words.parts[2].paragraphs)
    plans = "".join(words.parts[3].paragraphs)
    unstaffed = data.value("coverage.unstaffed_grids")
    assert unstaffed
    assert f"{unstaffed}个网格未配备执委" in problems
    assert f"为{unstaffed}个无执委网格配齐执委" in plans
    assert problems.startswith("一是") and plans.startswith("一是")


def test_an_ongoing_calendar_period_is_named_as_the_period():
    dec7 = dt.date(2026, 12, 7)
    assert period_label(dt.date(2026, 1, 1), dec7, today=dec7) == "2026年"
    assert period_label(dt.date(2026, 10, 1), dec7, today=dec7) == "2026年第四季度"
    assert period_label(dt.date(2026, 7, 1), dec7, today=dec7) == "2026年下半年"
    may20 = dt.date(2026, 5, 20)
    assert period_label(dt.date(2026, 1, 1), may20, today=dec7) == "2026年1月1日至2026年5月20日"
    assert period_label(dt.date(2026, 3, 2), dec7, today=dec7) == "2026年3月2日至2026年12月7日"


def test_sentences_leave_out_zero_figures_and_never_start_with_punctuation():
    assert clauses([(0, "召开会议{v}次"), (3, "形成决议{v}项")]) == ["形成决议3项"]
    assert sentence([], [], lead="推动，") == ""
    assert sentence(["A1", "B2"], ["C3"], lead="甲，") == "甲，A1，B2；C3。"
    assert [chinese_number(i) for i in (1, 10, 11, 20, 21)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
    ]
    assert (money(3500), money(200000), money(12345)) == ("3,500元", "20万元", "1.23万元")


def test_an_org_without_records_gets_a_report_that_says_so(tree, cast):
    today = timezone.localdate()
    data = report_data(user=cast.langxi_cadre, org=tree.dongmen, start=today, end=today)
    words = work_report(data, Facts())
    assert words.parts[0].paragraphs == ["东门村妇联本期暂无执委、网格和家庭台账记录。"]
    assert words.parts[1].paragraphs == ["本期东门村妇联暂无工作记录。"]


def _poppler(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, check=True, text=True)  # noqa: S603
    return done.stdout


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_the_pdf_renders_on_a4_pages_numbered_in_the_official_style(
    tree, cast, records, login, tmp_path
):
    response = login(cast.township_cadre).get("/reports/work.pdf", {"org": tree.helixi.pk})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    info = _poppler("pdfinfo", str(pdf))
    found = re.search(r"Pages:\s+(\d+)", info)
    assert found is not None
    pages = int(found.group(1))
    assert pages >= 2
    assert "595.276 x 841.89" in info  # A4 in points
    assert "STSong-Light" in _poppler("pdffonts", str(pdf))
    _poppler("pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page"))
    assert len(list(tmp_path.glob("page-*.png"))) == pages
    text = _poppler("pdftotext", "-layout", str(pdf), "-")
    assert re.search(r"—\s*1\s*—", text) and re.search(rf"—\s*{pages}\s*—", text)
    assert "一、基本情况" in text and "四、下一步打算" in text
    wrapped = [line.strip() for line in text.splitlines() if line.strip()]
    assert not [line for line in wrapped if line[0] in PUNCTUATION]  # 避头: no line starts «，»
