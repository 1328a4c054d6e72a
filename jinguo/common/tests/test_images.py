"""Uploaded photos are stored as their pixels only: no EXIF, nothing appended, upright, bounded."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from jinguo.common.images import NotAnImage, TooLarge, clean_image
from jinguo.common.tests.upload_samples import HTML, PNG, WEBP, stored_files
from jinguo.common.uploads import IMAGE, upload_errors
from jinguo.points.models import LoveBankItem

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (30.0, 37.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (118.0, 58.0, 3.25),
}


def photo_with_gps(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Phone X"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "JPEG", exif=exif, comment=b"<b>hi")
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it is there
    return data


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header claiming width × height pixels, and almost no data behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def reopened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_photo_with_gps_comes_out_with_no_exif_at_all():
    clean = clean_image(photo_with_gps())
    assert clean.extension == ".jpg"
    image = reopened(clean.content)
    assert image.format == "JPEG" and image.size == (40, 30)
    assert not image.getexif() and "comment" not in image.info
    assert b"Exif" not in clean.content and b"Phone X" not in clean.content


def test_the_orientation_is_applied_to_the_pixels():
    clean = clean_image(photo_with_gps(orientation=6))  # "rotate 90° to view"
    assert reopened(clean.content).size == (30, 40)


def test_a_jpeg_with_a_web_page_appended_comes_out_as_the_jpeg_alone():
    polyglot = photo_with_gps() + HTML
    clean = clean_image(polyglot)
    assert b"<html" not in clean.content and b"<script" not in clean.content
    assert clean.content.endswith(b"\xff\xd9")  # the JPEG's end, nothing behind it


def test_png_and_webp_stay_what_they_are_without_their_text():
    buffer = io.BytesIO()
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "<script>alert(1)</script>")
    Image.new("RGBA", (5, 5), (1, 2, 3, 100)).save(buffer, "PNG", pnginfo=text)
    clean = clean_image(buffer.getvalue())
    assert clean.extension == ".png" and b"script" not in clean.content
    assert reopened(clean.content).mode == "RGBA"
    assert clean_image(PNG).extension == ".png"
    assert clean_image(WEBP).extension == ".webp"


def test_a_photo_claiming_too_many_pixels_is_refused_before_it_is_decoded():
    with pytest.raises(TooLarge) as refused:
        clean_image(png_claiming(10_000, 6_000))
    assert (refused.value.width, refused.value.height) == (10_000, 6_000)
    [error] = upload_errors(SimpleUploadedFile("a.png", png_claiming(10_000, 6_000)), kinds=[IMAGE])
    assert error.startswith("图片太大（10000×6000像素），上限为50,000,000像素")


def test_a_large_photo_is_stored_at_most_4096_pixels_long():
    buffer = io.BytesIO()
    Image.new("L", (6000, 100)).save(buffer, "PNG")
    assert reopened(clean_image(buffer.getvalue()).content).size == (4096, 68)


@pytest.mark.parametrize(
    "data",
    [b"\xff\xd8\xff\xe0" + HTML, PNG[:40], b"GIF89a" + bytes(40)],
    ids=["jpeg-head", "cut", "gif"],
)
def test_what_no_allowed_decoder_reads_is_not_an_image(data):
    with pytest.raises(NotAnImage):
        clean_image(data)


def test_a_non_image_named_jpg_is_refused_in_chinese():
    fake = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + HTML)
    assert upload_errors(fake, kinds=[IMAGE]) == [
        "这个文件不是有效的图片（JPEG、PNG 或 WebP），可能是改了扩展名的其他文件"
    ]


def test_an_accepted_upload_is_replaced_by_its_clean_copy_once():
    upload = SimpleUploadedFile("IMG_0001.jpg", photo_with_gps() + HTML)
    assert upload_errors(upload, kinds=[IMAGE]) == []
    first = upload.read()
    upload.seek(0)
    assert upload.size == len(first) and b"<html" not in first and b"Exif" not in first
    assert upload_errors(upload, kinds=[IMAGE]) == []  # the service checks again: same bytes
    assert upload.read() == first


def test_a_love_bank_photo_is_stored_without_its_gps(cast, tree, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(cast.songhe_chair).post(
        f"/points/lovebank/new/?org={tree.songhe.pk}",
        {
            "name": "大米",
            "price": 10,
            "stock": 5,
            "photo": SimpleUploadedFile("rice.jpg", photo_with_gps() + HTML),
        },
    )
    item = LoveBankItem.objects.get()
    with item.photo.open("rb") as handle:
        stored = handle.read()
    assert not reopened(stored).getexif() and b"<html" not in stored
    assert len(stored_files(tmp_path)) == 1
