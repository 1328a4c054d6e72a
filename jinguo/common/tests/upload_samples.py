"""Files to upload in tests: real ones of each kind, and hostile ones that must be refused."""

import io
import zipfile

import xlsxwriter

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64
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
