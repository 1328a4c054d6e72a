"""Hostile files where an activity's photo is expected: refused, nothing written or stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jinguo.activities.models import Activity
from jinguo.common.tests.upload_samples import HOSTILE_PHOTOS, JPEG, stored_files


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(("name", "content"), HOSTILE_PHOTOS)
def test_an_activity_is_not_recorded_as_held_with_a_bad_photo(
    world, cast, login, media, name, content
):
    response = login(cast.songhe_chair).post(
        reverse("activities:hold", args=[world.activity.pk]),
        {"headcount": 30, "summary": "开心", "photo": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert "不是有效的图片" in response.content.decode()
    world.activity.refresh_from_db()
    assert world.activity.status == Activity.Status.PLANNED and not world.activity.photo
    assert stored_files(media) == []


def test_a_real_photo_is_kept_with_the_held_activity(world, cast, login, media):
    login(cast.songhe_chair).post(
        reverse("activities:hold", args=[world.activity.pk]),
        {"headcount": 30, "summary": "开心", "photo": SimpleUploadedFile("blob", JPEG)},
    )
    world.activity.refresh_from_db()
    assert world.activity.status == Activity.Status.HELD
    assert world.activity.photo.name.endswith(".jpg") and len(stored_files(media)) == 1
