import datetime as dt
import inspect
import io
import re
from pathlib import Path
from typing import Any

from django.http import QueryDict
from python_calamine import CalamineWorkbook

from jinguo.audit.models import AuditEvent
from jinguo.common.figures import figure_url
from jinguo.common.xlsx import Column, query_note, xlsx_download, xlsx_table


def _read(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_xlsx_table_keeps_leading_zeros_and_writes_dates():
    columns: list[Column[tuple[Any, ...]]] = [
        Column("编号", lambda r: r[0]),
        Column("日期", lambda r: r[1]),
        Column("人次", lambda r: r[2]),
    ]
    content, rows = xlsx_table(
        sheet="活动", columns=columns, records=[("0012", dt.date(2026, 3, 8), 40)]
    )
    sheet = _read(content)
    assert rows == 1
    assert sheet[0] == ["编号", "日期", "人次"]
    assert sheet[1][0] == "0012"
    assert str(sheet[1][1]).startswith("2026-03-08")
    assert sheet[1][2] == 40


def test_xlsx_download_is_audited_and_not_cached(cast):
    response = xlsx_download(
        actor=cast.songhe_chair,
        action="meetings.export",
        filename="议事会",
        columns=[Column("主题", lambda title: title)],
        records=["垃圾分类", "停车"],
        note="org=1",
    )
    assert response["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="meetings.export")
    assert event.actor_username == "songhe_chair"
    assert event.note == "2 rows; org=1"


def test_figure_url_drops_empty_params():
    url = figure_url("/meetings/", org=3, start=dt.date(2026, 1, 1), kind="", status=None)
    assert url == "/meetings/?org=3&start=2026-01-01"


def test_each_column_reads_its_own_cell_from_the_record():
    columns: list[Column[dict[str, Any]]] = [
        Column("姓名", lambda p: p["name"]),
        Column("年龄", lambda p: p["age"]),
    ]
    content, _count = xlsx_table(
        sheet="名单", columns=columns, records=[{"age": 41, "name": "王芳"}]
    )
    assert _read(content) == [["姓名", "年龄"], ["王芳", 41]]


def test_the_writer_takes_columns_and_records_never_separate_headers_and_rows():
    for writer in (xlsx_table, xlsx_download):
        parameters = inspect.signature(writer).parameters
        assert {"columns", "records"} <= parameters.keys()
        assert not {"headers", "rows"} & parameters.keys()


def test_no_export_keeps_a_header_list_apart_from_its_cells():
    """Every export declares Columns: no module passes headers= to a writer."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if "tests" not in path.parts
        and re.search(r"\bxlsx_(table|download)\(", text := path.read_text())
        and re.search(r"\bheaders=", text)
    ]
    assert offenders == []


def test_the_filter_note_joins_the_query_as_typed():
    assert query_note(QueryDict("kind=family&q=王")) == "kind=family&q=王"
