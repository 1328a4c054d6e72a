"""Uploaded files: what every upload point accepts, judged by the file's content.

A file's name and the content type the browser sends prove nothing; the first bytes do. Each
upload point names the kinds it takes (IMAGE, PDF, SPREADSHEET, CSV) and gets one answer for empty,
oversized and disguised files, with the same Chinese messages everywhere:

- forms put `upload_validator(IMAGE)` on their FileField, so the page shows the error;
- services call `upload_errors(file, kinds=(IMAGE,))` before they write anything, so the API and
  any other caller are held to the same rules.

The size limit is settings.DATA_UPLOAD_MAX_MEMORY_SIZE (JINGUO_MAX_UPLOAD_BYTES), and at most
PHOTO_MAX_BYTES for images.

CSV has no magic bytes: a file is taken as CSV (for upload points that take CSV) when it is
named .csv (or .txt, Excel's 「Unicode 文本」), is not any of the binary formats above, and decodes
as text in UTF-8, GB18030 or UTF-16 with a BOM
within the sheet limits (jinguo/common/csv_files.py).
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.common.csv_files import read_csv
from jinguo.common.images import PHOTO_MAX_PIXELS, ImageRefused, TooLarge, clean_image
from jinguo.common.workbooks import WorkbookError, workbook_check

IMAGE = "image"
PDF = "pdf"
SPREADSHEET = "spreadsheet"
CSV = "csv"
# Excel saves 「Unicode 文本」 (UTF-16, tab-separated) as .txt.
CSV_SUFFIXES = (".csv", ".txt")

PHOTO_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class _Format:
    kind: str
    extensions: tuple[str, ...]  # the first one is the name a stored file gets
    matches: Callable[[bytes], bool]


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office 97 files)
_ZIP = b"PK\x03\x04"  # .xlsx, .xlsm, .ods (and any other zip)

FORMATS = (
    _Format(IMAGE, (".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    _Format(IMAGE, (".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    _Format(IMAGE, (".webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    _Format(PDF, (".pdf",), lambda head: head.startswith(b"%PDF-")),
    _Format(SPREADSHEET, (".xlsx", ".xlsm", ".ods"), lambda head: head.startswith(_ZIP)),
    _Format(SPREADSHEET, (".xls",), lambda head: head.startswith(_OLE2)),
)

_DESCRIPTIONS = {
    IMAGE: gettext_lazy("图片（JPEG、PNG 或 WebP）"),
    PDF: gettext_lazy("PDF 文件"),
    SPREADSHEET: gettext_lazy("Excel 表格（.xlsx、.xls、.xlsm）或 .ods 表格"),
    CSV: gettext_lazy("CSV 文件（.csv）"),
}


def upload_max_bytes(kinds: Iterable[str]) -> int:
    limit: int = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return min(limit, PHOTO_MAX_BYTES) if set(kinds) == {IMAGE} else limit


def _describe(kinds: Iterable[str]) -> str:
    return _("或").join(str(_DESCRIPTIONS[kind]) for kind in kinds)


def _head(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


def _workbook_errors(upload: IO[bytes], kinds: Iterable[str]) -> list[str]:
    """Whether it opens as a workbook within the limits (a zip that is not a workbook, or a
    truncated one, does not); opened in a child process, see jinguo/common/workbooks.py."""
    try:
        workbook_check(upload)
    except WorkbookError as exc:
        return [_not_a(kinds) if exc.not_a_workbook else str(exc)]
    return []


def _csv_errors(upload: IO[bytes], kinds: Iterable[str]) -> list[str]:
    """Whether a file named .csv is text we can read, within the sheet limits."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        read_csv(data)
    except WorkbookError as exc:
        return [_not_a(kinds) if exc.not_a_workbook else str(exc)]
    return []


_CLEANED = "_jinguo_reencoded"  # set on an upload once re-encoded: the form and the service
# both validate it, and a JPEG re-encoded twice loses quality for nothing


def _reencode(upload: Any, kinds: Iterable[str]) -> list[str]:
    """Replace the upload's content by its re-encoded pixels; why not, if it cannot be."""
    if getattr(upload, _CLEANED, False):
        return []
    upload.seek(0)
    try:
        clean = clean_image(upload.read())
    except TooLarge as exc:
        limit = f"{PHOTO_MAX_PIXELS:,}"
        if not exc.width:
            return [_("图片像素太多，上限为%(limit)s像素，请缩小后再上传") % {"limit": limit}]
        return [
            _("图片太大（%(width)s×%(height)s像素），上限为%(limit)s像素，请缩小后再上传")
            % {"width": exc.width, "height": exc.height, "limit": limit}
        ]
    except ImageRefused:
        return [_not_a(kinds)]
    finally:
        upload.seek(0)
    handle = upload.file
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(clean.content)
        handle.seek(0)
    except (OSError, ValueError, AttributeError):  # opened read-only: give it a new one
        upload.file = io.BytesIO(clean.content)
    upload.size = len(clean.content)
    if hasattr(upload, "content_type"):
        upload.content_type = clean.content_type
    setattr(upload, _CLEANED, True)
    return []


def _not_a(kinds: Iterable[str]) -> str:
    return _("这个文件不是有效的%(kinds)s，可能是改了扩展名的其他文件") % {
        "kinds": _describe(kinds)
    }


def upload_errors(upload: Any, *, kinds: Iterable[str]) -> list[str]:
    """Why `upload` is refused (empty list: accepted, or nothing uploaded).

    Only the content counts: phones name photos `blob` or `image`, and a name is easy to fake.
    An accepted file is renamed to the extension of what it really is (a PNG named .jpg or
    .bin becomes .png), so it is stored, read back and served as what it is. An accepted image
    is also re-encoded in place (jinguo/common/images.py): what is stored is its pixels, with
    no metadata and nothing appended."""
    if not upload:
        return []
    kinds = tuple(kinds)
    size, limit = upload.size or 0, upload_max_bytes(kinds)
    if not size:
        return [_("文件是空的，请检查后重新选择")]
    if size > limit:
        return [
            _("文件太大（%(size)s），上限为%(limit)s")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        ]
    head = _head(upload)
    found = next((f for f in FORMATS if f.kind in kinds and f.matches(head)), None)
    name = PurePath(str(getattr(upload, "name", "") or "upload"))
    if found is None and CSV in kinds and name.suffix.lower() in CSV_SUFFIXES:
        return _csv_errors(upload, kinds)
    if found is None:
        return [_not_a(kinds)]
    if found.kind == SPREADSHEET and (errors := _workbook_errors(upload, kinds)):
        return errors
    if found.kind == IMAGE and (errors := _reencode(upload, kinds)):
        return errors
    if name.suffix.lower() not in found.extensions:
        upload.name = name.stem + found.extensions[0]
    return []


def upload_validator(*kinds: str) -> Callable[[Any], None]:
    """A form field validator: `forms.FileField(validators=[upload_validator(IMAGE)])`."""

    def validate(upload: Any) -> None:
        errors = upload_errors(upload, kinds=kinds)
        if errors:
            raise ValidationError(errors)

    return validate


def photo_errors(upload: Any) -> list[str]:
    """upload_errors for the photos of visits, activities, wishes and love-bank items."""
    return upload_errors(upload, kinds=(IMAGE,))
