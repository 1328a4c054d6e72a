"""A community chair answers a round that requires photos on a 390×844 phone: she picks two
photos, saves, sees their thumbnails, and submits; nothing runs off the screen."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import PHONE
from jinguo.common.tests.upload_samples import JPEG
from jinguo.rounds import services
from jinguo.rounds.models import Round, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (20, 160, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_community_chair_attaches_photos_on_her_phone_and_submits(
    open_page, sign_in, shoot, scene, tree, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    round_ = services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="三八节活动报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=7),
        targets=[tree.songhe],
        photos=Round.Photos.REQUIRED,
    )
    target = round_.targets.get()
    page = open_page(**PHONE)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/rounds/targets/{target.pk}/")
    page.set_input_files(
        "#id_photos",
        files=[
            {"name": "游园.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
            {"name": "义剪.png", "mimeType": "image/png", "buffer": _png()},
        ],
    )
    page.fill("#id_caption", "三八节游园")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    thumbnails = page.locator("img.card-img-top")
    expect(thumbnails).to_have_count(2)
    for thumbnail in thumbnails.all():  # served by the scoped view, decoded by the browser
        thumbnail.scroll_into_view_if_needed()
        expect(thumbnail).to_have_js_property("complete", True)
        assert thumbnail.evaluate("i => i.naturalWidth") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off
    shoot(page, "draft")
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("已报送，等待上级审核。")).to_be_visible()
    assert list(Submission.objects.get().photos.values_list("caption", flat=True)) == [
        "三八节游园",
        "三八节游园",
    ]
