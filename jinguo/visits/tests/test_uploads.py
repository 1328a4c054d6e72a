"""Hostile files at the visit photo and the wish's evidence: refused, nothing written or stored."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jinguo.common.tests.upload_samples import HOSTILE_PHOTOS, PNG, stored_files
from jinguo.visits.models import Visit, Wish
from jinguo.visits.services import wish_claim, wish_collect


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(("name", "content"), HOSTILE_PHOTOS)
def test_a_visit_with_a_bad_photo_is_refused_and_not_logged(
    plan, cast, login, media, name, content
):
    visits = Visit.objects.count()
    response = login(cast.wushan_member).post(
        reverse("visits:create") + f"?household={plan.ws1.pk}",
        {"channel": "home", "photo": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert "不是有效的图片" in response.context["form"].errors["photo"][0]
    assert Visit.objects.count() == visits
    assert stored_files(media) == []


def test_a_visit_photo_over_the_limit_is_refused(plan, cast, login, media, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = SimpleUploadedFile("a.png", PNG + b"\x00" * 2048)
    response = login(cast.wushan_member).post(
        reverse("visits:create") + f"?household={plan.ws1.pk}", {"channel": "home", "photo": big}
    )
    assert "文件太大" in response.context["form"].errors["photo"][0]
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content"), HOSTILE_PHOTOS)
def test_a_wish_is_not_fulfilled_with_bad_evidence(plan, cast, login, media, name, content):
    wish = wish_collect(actor=cast.songhe_chair, content="一台轮椅", category="medical")
    wish_claim(actor=cast.songhe_chair, wish=wish, donor_name="县医院")
    response = login(cast.songhe_chair).post(
        reverse("visits:wish_fulfil", args=[wish.pk]),
        {"evidence_note": "已送达", "evidence_file": SimpleUploadedFile(name, content)},
    )
    assert any("不是有效的图片" in str(m) for m in get_messages(response.wsgi_request))
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED and not wish.evidence_file
    assert stored_files(media) == []
