"""While the reader child reads a large file, the caller hears how far it is
(workbooks.read_workbook's `reading`): the progress bar of an import moves before checking."""

import io
import tempfile

import xlsxwriter

from jinguo.common import workbooks


def workbook(rows: int) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for r in range(rows):
        sheet.write_row(r, 0, [f"户{r}", f"姓名{r}", r, "巫山组"])
    book.close()
    return out.getvalue()


def test_the_reader_says_how_far_it_is_while_it_reads_a_file(monkeypatch):
    monkeypatch.setattr(workbooks, "READING_EVERY", 0.001)
    heard: list[tuple[int, int]] = []
    with tempfile.TemporaryFile() as source:
        source.write(workbook(30_000))
        with workbooks.read_workbook(source, reading=lambda *seen: heard.append(seen)) as book:
            rows = sum(1 for _row in book.sheets[0].rows)
    assert rows == 30_000
    assert heard, "the child was never asked about"
    assert all(0 <= read <= total for read, total in heard)
    assert [read for read, _total in heard] == sorted(read for read, _total in heard)


def test_the_count_reads_rows_and_the_heights_of_the_sheets_begun():
    with tempfile.TemporaryFile() as out:
        out.write(b'{"sheets":2}\n{"name":"a","height":3}\n["x"]\n["y"]\n')
        out.flush()
        count = workbooks._Count(out)
        assert count.update() == (2, 3)
        out.write(b'["z"]\n{"name":"b","height":2}\n["w"]')  # the last line not yet complete
        out.flush()
        assert count.update() == (3, 5)
