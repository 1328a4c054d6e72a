"""Files to upload in tests: real ones of each kind, and hostile ones that must be refused."""

import io
import zipfile

import xlsxwriter
from PIL import Image


def image(fmt: str, size: tuple[int, int] = (8, 6), **options) -> bytes:
    """A real, small image in `fmt` (JPEG, PNG, WEBP), the same bytes every run."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(buffer, fmt, **options)
    return buffer.getvalue()


JPEG = image("JPEG")
PNG = image("PNG")
WEBP = image("WEBP")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
NOISE = bytes((i * 37 + 11) % 256 for i in range(1024))  # "random" bytes, the same every run
OLE2_NOISE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + NOISE  # an .xls header and nothing behind it


def xlsx(rows: list[list[str]] | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate(rows or [["名称"]]):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed date: the bytes (and so the test ids) must be the same in every xdist worker.
        archive.writestr(zipfile.ZipInfo("readme.txt", (2026, 1, 1, 0, 0, 0)), "not a workbook")
    return buffer.getvalue()


# (name, content): what a careless or hostile user sends where a photo is expected.
HOSTILE_PHOTOS = [
    ("setup.exe", EXE),
    ("page.html", HTML),
    ("logo.svg", SVG),
    ("photo.jpg", HTML),  # a lying extension
    ("scan.png", PDF),
    ("photo.jpg", NOISE),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + HTML),  # a JPEG's first bytes, then a web page
    ("photo.png", PNG[:40]),  # a truncated PNG
]

# ... and where a workbook is expected.
HOSTILE_WORKBOOKS = [
    ("名单.xlsx", NOISE),
    ("名单.xlsx", zip_of_text()),
    ("名单.xlsx", xlsx()[:300]),  # truncated
    ("名单.xls", OLE2_NOISE),
    ("名单.csv", b"a,b\n1,2\n"),
    ("setup.exe", EXE),
    ("名单.xlsx", HTML),
]


def _with_ids(samples: list[tuple[str, bytes]]) -> list:
    """Readable, stable test ids ("名单.xlsx-2") instead of the bytes themselves."""
    import pytest

    return [pytest.param(n, c, id=f"{n}-{i}") for i, (n, c) in enumerate(samples)]


HOSTILE_PHOTOS = _with_ids(HOSTILE_PHOTOS)
HOSTILE_WORKBOOKS = _with_ids(HOSTILE_WORKBOOKS)


def stored_files(media_root) -> list[str]:
    """Every file under MEDIA_ROOT, to prove that a refused upload left nothing behind."""
    return sorted(str(p) for p in media_root.rglob("*") if p.is_file())


# --- hostile workbooks that ARE workbooks: written by hand, part by part ------------------------

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def handmade_xlsx(
    cells: str, *, dimension: str | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """A one-sheet .xlsx from the sheet's <sheetData> content, zipped by hand."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{head}<sheetData>{cells}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [*_XLSX_PARTS.items(), ("xl/worksheets/sheet1.xml", sheet)]:
            archive.writestr(
                zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED
            )
        for name, data in (extra or {}).items():
            archive.writestr(
                zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def two_cells(far: str, *, in_order: bool = False) -> bytes:
    """A1 and one cell far away, no <dimension>: calamine makes a grid spanning both. The far
    row comes first, as some exporters write rows: the streaming reader leaves a sheet whose
    cells are out of order to calamine (jinguo/common/xlsx_stream.py); `in_order`, it streams
    the sheet and holds no grid."""
    row = int("".join(ch for ch in far if ch.isdigit()))
    first, far_row = (
        f'<row r="1">{_cell("A1", "名称")}</row>',
        f'<row r="{row}">{_cell(far, "x")}</row>',
    )
    return handmade_xlsx(first + far_row if in_order else far_row + first)


def dimension_bomb() -> bytes:
    """1.5 KB that declares the whole grid Excel allows: 1,048,576 rows by 16,384 columns."""
    return handmade_xlsx(f'<row r="1">{_cell("A1", "名称")}</row>', dimension="A1:XFD1048576")


def crashing_workbook() -> bytes:
    """1.5 KB that makes the reader allocate 512 GiB (A1 and XFD1048576), declaring nothing:
    it passes every check made before reading, and aborts any process that reads it."""
    return two_cells("XFD1048576")


def zip_bomb(unpacked: int) -> bytes:
    """A real workbook carrying one more part of `unpacked` zero bytes, a thousandth of that
    once compressed."""
    return handmade_xlsx(
        f'<row r="1">{_cell("A1", "名称")}</row>', extra={"xl/media/filler.bin": bytes(unpacked)}
    )
