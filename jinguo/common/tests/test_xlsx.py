import datetime as dt
import io

from python_calamine import CalamineWorkbook

from jinguo.audit.models import AuditEvent
from jinguo.common.figures import figure_url
from jinguo.common.xlsx import xlsx_download, xlsx_table


def _read(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_xlsx_table_keeps_leading_zeros_and_writes_dates():
    content, rows = xlsx_table(
        sheet="活动", headers=["编号", "日期", "人次"], rows=[["0012", dt.date(2026, 3, 8), 40]]
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
        headers=["主题"],
        rows=[["垃圾分类"], ["停车"]],
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
