"""The reader child streams .xlsx worksheets (jinguo/common/xlsx_stream.py) and writes, line for
line, what it wrote when calamine read them: the same heads, the same values of the same types."""

import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter

from jinguo.common import workbook_child as child
from jinguo.common import xlsx_rows, xlsx_scan, xlsx_stream
from jinguo.common.tests.upload_samples import two_cells
from jinguo.common.workbooks import WorkbookError, read_sheet

LIMITS = {
    "max_members": 2000,
    "max_rows": 1_048_576,
    "max_columns": 200,
    "max_unpacked_bytes": 1024**3,
    "max_ratio": 200,
}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def lines(data: bytes, mode: str = child.READ_ALL, streaming: bool = True) -> list[bytes]:
    return list(child.answer(mode, data, LIMITS, streaming=streaming))


def assert_streamed_as_calamine_reads(data: bytes) -> list[bytes]:
    """Both readers write the same lines, in both modes; and the streaming reader took every
    worksheet itself (the lines are not calamine's by a fallback)."""
    book = xlsx_stream.Book(data)
    for index, meta in enumerate(book.sheets):
        if meta["kind"] == "worksheet":
            book.sheet(index)  # raises Unsupported if it would fall back to calamine
    for mode in (child.READ_ALL, child.READ):
        assert lines(data, mode) == lines(data, mode, streaming=False)
    return lines(data)


@pytest.fixture(params=["regex", "scan", "lxml"])
def first_pass(request, monkeypatch):
    """Each case three times: the range found by the fast scan and the rows read by regular
    expressions (where the values are plain), the rows read by lxml, and the range found by
    lxml cell by cell too."""
    if request.param != "regex":
        monkeypatch.setattr(xlsx_rows, "plain_values", lambda part: False)
    if request.param == "lxml":
        monkeypatch.setattr(xlsx_scan, "scan", lambda stream: None)
    return request.param


def written(build) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


def handmade(
    sheets: list[str],
    *,
    strings: str | None = None,
    styles: str = "",
    workbook_pr: str = "",
) -> bytes:
    """An .xlsx from each sheet's XML inside <worksheet> (and, if given, the <sst> content and
    the styles' <numFmts>/<cellXfs>), zipped by hand."""
    parts = {
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}">{workbook_pr}<sheets>'
        + "".join(
            f'<sheet name="S{n}" sheetId="{n + 1}" r:id="rId{n + 1}"/>' for n in range(len(sheets))
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">'
        + "".join(
            f'<Relationship Id="rId{n + 1}" Type="{OFFICE}/worksheet" '
            f'Target="worksheets/sheet{n + 1}.xml"/>'
            for n in range(len(sheets))
        )
        + "</Relationships>",
        "xl/styles.xml": f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>',
    }
    for n, sheet in enumerate(sheets):
        parts[f"xl/worksheets/sheet{n + 1}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{sheet}</worksheet>'
        )
    if strings is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{strings}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def test_strings_numbers_booleans_errors_and_formulas_read_as_calamine_reads_them(first_pass):
    def build(book):
        sheet = book.add_worksheet("名单")
        sheet.write_row(0, 0, ["姓名", "年龄", "党员", "备注"])
        sheet.write_row(1, 0, ["张三", 42, True, "  前后有空格  "])
        sheet.write_row(2, 0, ["李四", 3.25, False, "第一行\n第二行"])
        sheet.write_number(3, 1, -7)
        sheet.write_number(3, 2, 1e20)
        sheet.write_formula(4, 0, "=1/0", None, "#DIV/0!")
        sheet.write_formula(4, 1, "=NA()", None, "#N/A")
        sheet.write_formula(4, 2, '="公式"&"结果"', None, "公式结果")
        sheet.write_formula(4, 3, "=2*21", None, 42)
        sheet.write_string(5, 0, "<&>\"'_x0041_")

    data = written(build)
    result = assert_streamed_as_calamine_reads(data)
    assert result[3] == '["张三",42.0,true,"  前后有空格  "]\n'.encode()  # calamine: floats


def test_inline_rich_and_phonetic_strings_read_as_calamine_reads_them(first_pass):
    rich = '<r><rPr><b/></rPr><t>粗</t></r><r><t xml:space="preserve"> 细 </t></r>'
    phonetic = '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>'
    sheet = (
        "<sheetData>"
        f'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        f'<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>  trimmed  </t></is></c>'
        f'<c r="B2" t="inlineStr"><is>{rich}</is></c>'
        f'<c r="C2" t="inlineStr"><is>{phonetic}</is></c>'
        f'<c r="D2" t="inlineStr"><is><t>a_x000D_b</t></is></c>'
        f'<c r="E2" t="inlineStr"><is></is></c><c r="F2" t="str"><v>公式 </v></c></row>'
        "</sheetData>"
    )
    strings = (
        f"<si><t>共享</t></si><si>{rich}</si><si>{phonetic}</si>"
        '<si><t xml:space="preserve"> 保留 </t></si>'
    )
    data = handmade([sheet], strings=strings)
    result = assert_streamed_as_calamine_reads(data)
    assert result[2] == '["共享","粗 细 ","東京"," 保留 ","",""]\n'.encode()
    assert result[3] == '["trimmed","粗 细 ","東京","a\\rb","","公式 "]\n'.encode()


DATE_FORMATS = [
    "yyyy-mm-dd",
    'yyyy"年"m"月"d"日"',
    "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy",
    "h:mm:ss AM/PM",
    "[h]:mm:ss",
    "mm:ss.0",
    "0.00",
    '"d"0',
    "#,##0_);[Red](#,##0)",
    "@",
]


@pytest.mark.parametrize("date1904", [False, True])
def test_dates_times_and_durations_read_as_calamine_reads_them(first_pass, date1904):
    values = [45000, 45000.5, 0.75, 1.5, 59, 60, 61, 0, -0.25, 2958465.999, 3e6]

    def build(book):
        book.set_calc_mode("auto")
        if date1904:
            book.use_1904_epoch = True
        sheet = book.add_worksheet()
        for column, code in enumerate(DATE_FORMATS):
            style = book.add_format({"num_format": code})
            for row, value in enumerate(values):
                sheet.write_number(row, column, value, style)
        for row, number in enumerate([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, 2, 49]):
            builtin = book.add_format({"num_format": number})
            sheet.write_number(row, len(DATE_FORMATS), 45000.25, builtin)
        moment = dt.datetime(2026, 12, 7, 23, 5)  # noqa: DTZ001 (naive, as Excel keeps it)
        sheet.write_datetime(20, 0, moment, book.add_format({"num_format": 22}))

    data = written(build)
    result = assert_streamed_as_calamine_reads(data)
    assert b'{"d":' in result[2] and b'{"dt":' in result[3] and b'{"td":' in result[2]


def test_gaps_a_sheet_starting_at_c3_and_rows_without_numbers_read_as_calamine_reads_them(
    first_pass,
):
    sheet = (
        '<dimension ref="C3:H9"/><sheetData>'
        '<row r="3"><c r="D3" s="0"/><c r="E3" t="inlineStr"><is><t>起点</t></is></c></row>'
        '<row r="4"><c r="C4"><v>1</v></c><c r="F4"><f>SUM(C4)</f></c></row>'
        '<row r="6" customHeight="1"><c r="H6" t="s"><v/></c></row>'
        '<row r="7"/><row r="8"><c r="G8" t="b"><v>0</v></c></row>'
        "</sheetData>"
        '<mergeCells count="2"><mergeCell ref="C3:D3"/><mergeCell ref="E5"/></mergeCells>'
    )
    no_numbers = (
        "<sheetData><row><c><v>1</v></c><c/><c><v>3</v></c></row><row/>"
        '<row><c r="B3" t="inlineStr"><is><t>x</t></is></c><c><v>4</v></c></row></sheetData>'
    )
    data = handmade([sheet, no_numbers])
    result = assert_streamed_as_calamine_reads(data)
    assert result[1] == (
        b'{"index":0,"name":"S0","hidden":false,"start":[2,2],"height":7,"width":5,'
        b'"merged":[[[2,2],[2,3]],[[4,4],[4,4]]]}\n'
    )
    assert result[2:4] == [b'["","","","",""]\n'] * 2  # the rows before the first are there
    assert result[-3:] == [b'[1.0,"",3.0]\n', b'["","",""]\n', b'["","x",4.0]\n']


def test_merged_hidden_empty_and_chart_sheets_read_as_calamine_reads_them(first_pass):
    def build(book):
        visible = book.add_worksheet("可见")
        visible.merge_range("B2:D3", "合并", book.add_format({"align": "center"}))
        visible.write("A5", "下面")
        hidden = book.add_worksheet("隐藏")
        hidden.write("A1", "藏着")
        hidden.hide()
        book.add_worksheet("空表")
        chart = book.add_chart({"type": "column"})
        chart.add_series({"values": "=可见!$A$5:$A$5"})
        book.add_chartsheet("图表").set_chart(chart)
        book.add_worksheet("最后").write("A1", 1)

    data = written(build)
    result = assert_streamed_as_calamine_reads(data)
    heads = [line for line in result if line.startswith(b'{"index"')]
    assert [b'"hidden":true' in head for head in heads] == [False, True, False, False, False]
    assert b'"unreadable":true' in heads[3]
    assert heads[2].endswith(b'"start":null,"height":0,"width":0,"merged":[]}\n')


def test_a_sheet_larger_than_the_limits_is_refused_while_streaming(first_pass):
    sheet = (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="300000"><c r="IV300000"><v>2</v></c></row></sheetData>'
    )
    data = handmade([sheet])
    for mode in (child.READ_ALL, child.READ):
        refusal = lines(data, mode)[-1]
        assert refusal == b'{"refused":"sheet","rows":300000,"columns":256}\n'
        assert refusal == lines(data, mode, streaming=False)[-1]


@pytest.mark.parametrize(
    "sheet",
    [
        '<sheetData><row r="2"><c r="A2"><v>1</v></c></row>'
        '<row r="1"><c r="A1"><v>2</v></c></row></sheetData>',  # rows out of order
        '<sheetData><row r="1"><c r="A1" t="d"><v>2026-12-07</v></c></row></sheetData>',
        '<sheetData><row r="1"><c r="A1" t="e"><v>#SPILL!</v></c></row></sheetData>',
    ],
    ids=["out-of-order", "iso-date", "unknown-error"],
)
def test_what_the_streaming_reader_does_not_take_is_read_by_calamine_as_before(sheet):
    data = handmade([sheet])
    with pytest.raises(xlsx_stream.Unsupported):
        xlsx_stream.Book(data).sheet(0)
    assert lines(data) == lines(data, streaming=False)


def test_an_xls_or_a_non_zip_is_left_to_calamine():
    assert child._streaming_book(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)) is None
    assert child._streaming_book(b"PK\x03\x04 but not a zip") is None


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize("part", ["sheet", "sharedStrings"])
def test_an_entity_bomb_is_never_expanded(part):
    sheet = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr">'
    sheet += "<is><t>&lol9;</t></is></c></row></sheetData>"
    data = handmade([sheet], strings="<si><t>&lol9;</t></si>")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    name = "xl/worksheets/sheet1.xml" if part == "sheet" else "xl/sharedStrings.xml"
    body = contents[name].decode().split("?>", 1)[-1]
    contents[name] = (BILLION_LAUGHS + body).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for filename, content in contents.items():
            archive.writestr(filename, content)
    with pytest.raises(xlsx_stream.Unsupported, match=r"DOCTYPE|amplification|no element"):
        xlsx_stream.Book(buffer.getvalue()).sheet(0)
    answer = b"".join(lines(buffer.getvalue()))  # calamine's answer, as before
    assert b"lollol" not in answer
    assert len(answer) < 1000


def test_far_apart_cells_in_order_are_refused_by_their_size_without_a_grid():
    data = two_cells("XFD1048576", in_order=True)  # calamine would allocate 512 GiB
    with pytest.raises(WorkbookError, match="表格范围过大：有1048576行、16384列"):
        read_sheet(data)


def test_a_sheet_that_kills_calamine_at_64_mb_streams_within_them(settings):
    data = two_cells("Z100000", in_order=True)  # 2.6 million cells in calamine's grid
    settings.SHEET_READER_MEMORY_BYTES = 64 * 1024 * 1024
    rows = list(read_sheet(data).rows)
    assert len(rows) == 100_000
    assert rows[0][0] == "名称" and rows[-1][-1] == "x"
    with pytest.raises(WorkbookError, match="文件无法读取"):
        read_sheet(two_cells("Z100000"))  # out of order: calamine reads it, and dies


def test_indented_and_prefixed_xml_reads_as_calamine_reads_it(first_pass):
    indented = (
        '<sheetData>\n  <row r="2">\n    <c r="B2" t="inlineStr">\n      <is>\n'
        '        <t>缩进</t>\n      </is>\n    </c>\n    <c r="C2">\n      <v>5</v>\n'
        "    </c>\n  </row>\n</sheetData>\n"
    )
    data = handmade([indented])
    assert_streamed_as_calamine_reads(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    contents["xl/worksheets/sheet1.xml"] = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr">'
        '<x:is><x:t>前缀</x:t></x:is></x:c><x:c r="B1"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for filename, content in contents.items():
            archive.writestr(filename, content)
    result = assert_streamed_as_calamine_reads(buffer.getvalue())
    assert result[2] == '["前缀",1.0]\n'.encode()


PLAIN_VALUES = (
    '<sheetData><row r="2">'
    '<c r="B2" t="inlineStr"><is><t>  &lt;&amp;&gt;&quot;&apos;  </t></is></c>'
    '<c r="C2" t="inlineStr"><is><t xml:space="preserve"> 留_x0041_ </t></is></c>'
    '<c r="D2" t="s"><v>1</v></c><c r="E2" s="1"><v>45000</v></c><c r="F2" s="1"/>'
    '<c r="G2"><v>1.5e3</v></c><c r="H2"><v>文本</v></c></row>'
    '<row r="4"><c r="C4" t="str"><f>A1&amp;""</f><v></v></c><c r="D4" t="str"><v/></c>'
    '<c r="E4" t="str"><f>B1</f><v>式 &amp; </v></c><c r="F4" t="b"><v>1</v></c>'
    '<c r="G4" t="e"><f>NA()</f><v>#N/A</v></c><c r="H4" t="n"><v></v></c>'
    '<c r="I4" t="inlineStr"><is><t></t></is></c></row>'
    '<row r="5"><c r="B5" s="1"><v>0.25</v></c><c r="C5" t="str"><f>B2</f></c></row>'
    "</sheetData>"
)
STYLES = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'


def test_plain_values_are_read_by_regular_expressions_as_calamine_reads_them():
    data = handmade([PLAIN_VALUES], strings="<si><t>甲</t></si><si><t>乙</t></si>", styles=STYLES)
    assert xlsx_stream.Book(data).sheet(0).plain_values  # not lxml's rows
    result = assert_streamed_as_calamine_reads(data)
    assert result[1].endswith(b'"start":[1,1],"height":4,"width":8,"merged":[]}\n')
    assert result[3] == (
        '["<&>\\"\'"," 留A ","乙",{"d":"2023-03-15"},"",1500.0,"文本",""]\n'.encode()
    )
    assert result[5:] == [
        '["","","","式 & ",true,"","",""]\n'.encode(),
        b'[{"t":"06:00:00"},"","","","","","",""]\n',
    ]


@pytest.mark.parametrize(
    "odd",
    [
        "<t>&#20013;&#x6587;</t>",  # character references
        "<t>一\r\n二</t>",  # the XML parser turns CR LF into LF
        "<r><t>富</t></r><r><t>文本</t></r>",  # rich text
        "<t/>",
    ],
    ids=["references", "carriage-return", "rich-text", "empty-t"],
)
def test_values_the_regular_expressions_do_not_take_are_read_by_lxml(odd):
    sheet = (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c>'
        f'<c r="B1" t="inlineStr"><is>{odd}</is></c></row></sheetData>'
    )
    data = handmade([sheet])
    streamed = xlsx_stream.Book(data).sheet(0)
    assert streamed.start == (0, 0) and not streamed.plain_values  # the scan's range, lxml's rows
    assert_streamed_as_calamine_reads(data)


def test_a_cell_in_a_processing_instruction_is_no_cell():
    sheet = (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><?hidden <c r="B1"><v>2</v></c>?>'
        "</row></sheetData>"
    )
    data = handmade([sheet])
    assert xlsx_stream.Book(data).sheet(0).end == (0, 0)
    assert assert_streamed_as_calamine_reads(data)[2:] == [b"[1.0]\n"]


def test_usual_cells_are_read_by_the_simpler_pattern_as_calamine_reads_them(monkeypatch):
    sheet = (
        "<sheetData>"
        + "".join(
            f'<row r="{n}"><c r="A{n}" s="1" t="inlineStr"><is><t> 甲&amp;_x0042_ </t></is></c>'
            f'<c r="B{n}" s="2"><v>45000</v></c><c r="C{n}" t="s"><v>0</v></c>'
            f'<c r="D{n}" t="b"><v>0</v></c><c r="E{n}" t="str"><v>式</v></c>'
            f'<c r="F{n}" t="e"><v>#REF!</v></c><c r="G{n}"><v>-2.5</v></c></row>'
            for n in (1, 2, 4)
        )
        + "</sheetData>"
    )
    styles = '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="49"/><xf numFmtId="22"/></cellXfs>'
    data = handmade([sheet], strings="<si><t>共享</t></si>", styles=styles)
    monkeypatch.setattr(xlsx_rows, "_CELL", xlsx_rows.re.compile(r"(?!)" + "()" * 9))
    result = assert_streamed_as_calamine_reads(data)  # the full pattern would find no cell
    row = '["甲&B",{"d":"2023-03-15"},"共享",false,"式","",-2.5]\n'.encode()
    assert result[2:] == [row, row, b'["","","","","","",""]\n', row]
