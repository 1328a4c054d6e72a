"""Photo uploads: only real JPEG, PNG or WebP images, judged by their first bytes (a name or a
browser-sent content type proves nothing), and at most 5 MB."""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024


def _kind(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def photo_errors(upload: UploadedFile | None) -> list[str]:
    """Why `upload` is refused (empty list: accepted, or nothing uploaded)."""
    if not upload:
        return []
    if (upload.size or 0) > MAX_BYTES:
        return [_("照片不能超过5MB")]
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if _kind(head) is None:
        return [_("只能上传JPEG、PNG或WebP格式的图片")]
    return []
