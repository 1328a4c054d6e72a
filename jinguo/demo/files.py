"""Small files the demo uploads through the services as a user would: photos (JPEG, drawn
here, the same bytes every run) and a roster workbook."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from jinguo.common import xlsx

# Colours of the photos: a banner red, a wall's cream, a lawn's green.
RED, CREAM, GREEN = (190, 30, 45), (245, 236, 214), (96, 150, 80)


def photo(name: str, *, shade: int = 0) -> SimpleUploadedFile:
    """A 320×240 JPEG standing for a photo taken on the day: a red banner over a room and a
    row of people drawn as dots; `shade` varies it so that two photos differ."""
    image = Image.new("RGB", (320, 240), CREAM)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 16, 300, 56), fill=RED)
    draw.rectangle((0, 180, 320, 240), fill=GREEN)
    for i in range(6):
        x = 40 + i * 45
        tone = (60 + 20 * ((i + shade) % 5), 60, 90)
        draw.ellipse((x - 12, 120, x + 12, 144), fill=tone)
        draw.rectangle((x - 14, 146, x + 14, 186), fill=tone)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def workbook(name: str, rows: list[list[Any]]) -> SimpleUploadedFile:
    """An .xlsx whose first sheet holds `rows` from A1, every cell as text."""
    buffer = io.BytesIO()
    book = xlsx.workbook(buffer)  # the text-only writer: no cell becomes a formula
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, [str(v) for v in row])
    book.close()
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
