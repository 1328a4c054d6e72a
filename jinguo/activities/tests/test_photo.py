"""An activity's photo is encrypted on disk and shown through a scope-checked page."""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jinguo.activities import services
from jinguo.common.crypto import FILE_MAGIC
from jinguo.common.tests.upload_samples import JPEG


def _held_with_photo(world, cast):
    return services.activity_hold(
        actor=cast.songhe_chair,
        activity=world.activity,
        headcount=30,
        summary="开心",
        photo=SimpleUploadedFile("游园.jpg", JPEG),
    )


def test_the_photo_is_encrypted_on_disk(world, cast):
    activity = _held_with_photo(world, cast)
    raw = (Path(settings.MEDIA_ROOT) / activity.photo.name).read_bytes()
    assert raw.startswith(FILE_MAGIC) and JPEG not in raw


def test_the_photo_page_returns_the_plain_photo_in_scope(world, cast, login):
    activity = _held_with_photo(world, cast)
    client = login(cast.songhe_chair)
    detail = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    url = reverse("activities:photo", args=[activity.pk])
    assert f'href="{url}"' in detail

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    served = Image.open(io.BytesIO(b"".join(response.streaming_content)))  # re-encoded on upload
    assert (served.format, served.size) == ("JPEG", Image.open(io.BytesIO(JPEG)).size)


def test_the_photo_page_is_404_out_of_scope(world, cast, login):
    activity = _held_with_photo(world, cast)
    response = login(cast.gangkou_chair).get(reverse("activities:photo", args=[activity.pk]))
    assert response.status_code == 404


def test_the_photo_page_is_404_for_an_activity_without_a_photo(world, cast, login):
    url = reverse("activities:photo", args=[world.activity.pk])
    assert login(cast.songhe_chair).get(url).status_code == 404
