"""Photos of an answer: the township asks for them, 嵩合社区 attaches them to its draft from a
phone and submits; the version keeps its photos whatever the draft does later; they show on the
version's page, in its Word and PDF, and to no unit outside."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from PIL import Image

from jinguo.audit.models import AuditEvent
from jinguo.common.crypto import FILE_MAGIC
from jinguo.common.tests.upload_samples import HTML, JPEG
from jinguo.rounds import services
from jinguo.rounds.models import Round, RoundChange, Submission, SubmissionPhoto, TargetPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _round(cast, tree, photos: str) -> Round:
    today = timezone.localdate()
    return services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="三八节活动报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=7),
        targets=[tree.songhe, tree.gangkou],
        photos=photos,
    )


def _green_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 8), (20, 160, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _photos(*names: str) -> list[SimpleUploadedFile]:
    samples = {".jpg": JPEG, ".png": _green_png()}  # two photos, not one twice
    return [SimpleUploadedFile(name, samples[Path(name).suffix]) for name in names]


@pytest.fixture
def songhe(tree, cast):
    return _round(cast, tree, Round.Photos.OPTIONAL).targets.get(org=tree.songhe)


def _submitted_with_two_photos(cast, songhe, login) -> Submission:
    client = login(cast.songhe_chair)
    response = client.post(
        f"/rounds/targets/{songhe.pk}/",
        {"photos": _photos("游园.jpg", "义剪.png"), "caption": "三八节游园", "submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Submission.objects.get(target=songhe)


def test_the_township_asks_for_photos_on_the_new_round_form(tree, cast, login):
    today = timezone.localdate()
    response = login(cast.township_cadre).post(
        "/rounds/new/",
        {
            "title": "三八节活动报送",
            "kind": "work_report",
            "start": today.isoformat(),
            "end": today.isoformat(),
            "deadline": today.isoformat(),
            "targets": [tree.songhe.pk],
            "photos": "required",
        },
    )
    assert response.status_code == 302
    assert Round.objects.get().photos == Round.Photos.REQUIRED


def test_the_target_page_takes_photos_from_a_phone(cast, songhe, login):
    page = login(cast.songhe_chair).get(f"/rounds/targets/{songhe.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/*"' in page and "multiple" in page


def test_a_community_attaches_two_photos_and_submits_and_the_version_holds_both(
    cast, songhe, login
):
    submission = _submitted_with_two_photos(cast, songhe, login)
    kept = list(submission.photos.values_list("position", "caption"))
    assert kept == [(1, "三八节游园"), (2, "三八节游园")]
    raw = (Path(settings.MEDIA_ROOT) / submission.photos.get(position=1).file.name).read_bytes()
    assert raw.startswith(FILE_MAGIC)  # encrypted at rest
    actions = set(RoundChange.objects.values_list("action", flat=True))
    assert {RoundChange.Action.PHOTO_ADD, RoundChange.Action.SUBMIT} <= actions
    assert AuditEvent.objects.filter(action="round.photo_add").exists()


def test_removing_a_photo_from_the_draft_later_leaves_the_submitted_version_its_two(
    cast, songhe, login
):
    first = _submitted_with_two_photos(cast, songhe, login)
    services.submission_return(actor=cast.township_cadre, submission=first, reason="照片不清晰")
    client = login(cast.songhe_chair)
    removed = songhe.photos.first()
    response = client.post(
        f"/rounds/targets/{songhe.pk}/", {"remove_photo": str(removed.pk), "caption": ""}
    )
    assert response.status_code == 302
    assert songhe.photos.count() == 1
    assert first.photos.count() == 2
    assert RoundChange.objects.filter(action=RoundChange.Action.PHOTO_REMOVE).exists()
    # The version's copy still opens: the file stays while a version holds it.
    kept = first.photos.get(file=removed.file.name)
    response = login(cast.township_cadre).get(reverse("rounds:submission_photo", args=[kept.pk]))
    assert response.status_code == 200
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"


def test_a_photo_cannot_be_removed_while_the_version_awaits_review(cast, songhe, login):
    _submitted_with_two_photos(cast, songhe, login)
    with pytest.raises(ValidationError):
        services.target_photo_remove(actor=cast.songhe_chair, photo=songhe.photos.first())


def test_a_round_that_requires_photos_refuses_a_submission_without_one_and_keeps_the_words(
    tree, cast, login
):
    target = _round(cast, tree, Round.Photos.REQUIRED).targets.get(org=tree.songhe)
    typed = "嵩合社区妇联现有执委。"
    response = login(cast.songhe_chair).post(
        f"/rounds/targets/{target.pk}/", {"part_0": typed, "submit": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "本任务须附照片：请至少添加一张照片后再报送。" in page
    assert typed in page  # nothing typed is lost
    assert not Submission.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_the_words_are_kept(cast, songhe, login):
    typed = "嵩合社区妇联现有执委。"
    response = login(cast.songhe_chair).post(
        f"/rounds/targets/{songhe.pk}/",
        {
            "part_0": typed,
            "photos": [SimpleUploadedFile("活动.jpg", HTML, content_type="image/jpeg")],
            "save": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "不是有效的图片" in page and typed in page
    assert not TargetPhoto.objects.exists()


def test_a_draft_holds_at_most_nine_photos(cast, songhe):
    services.target_photos_add(
        actor=cast.songhe_chair, target=songhe, files=_photos(*[f"{i}.png" for i in range(9)])
    )
    with pytest.raises(ValidationError) as refused:
        services.target_photos_add(actor=cast.songhe_chair, target=songhe, files=_photos("a.png"))
    assert "最多附9张照片" in str(refused.value)
    assert songhe.photos.count() == 9


def test_another_community_cannot_fetch_the_photos(cast, songhe, login):
    submission = _submitted_with_two_photos(cast, songhe, login)
    draft_url = reverse("rounds:target_photo", args=[songhe.photos.first().pk])
    sent_url = reverse("rounds:submission_photo", args=[submission.photos.get(position=1).pk])
    gangkou = login(cast.gangkou_chair)
    assert gangkou.get(draft_url).status_code == 404
    assert gangkou.get(sent_url).status_code == 404
    township = login(cast.township_cadre)
    assert township.get(sent_url).status_code == 200
    thumb = township.get(sent_url + "?size=thumb")
    assert thumb["Content-Type"] == "image/jpeg"


def test_the_version_page_shows_its_photos(cast, songhe, login):
    submission = _submitted_with_two_photos(cast, songhe, login)
    page = login(cast.township_cadre).get(f"/rounds/submissions/{submission.pk}/")
    for photo in submission.photos.all():
        assert reverse("rounds:submission_photo", args=[photo.pk]) in page.content.decode()


def test_the_versions_word_and_pdf_carry_the_photos_at_the_end(cast, songhe, login):
    submission = _submitted_with_two_photos(cast, songhe, login)
    client = login(cast.township_cadre)
    docx = client.get(f"/rounds/submissions/{submission.pk}/report.docx")
    paragraphs = Document(io.BytesIO(docx.content)).paragraphs
    text = [p.text for p in paragraphs]
    attached = paragraphs[text.index("附件：照片") :]
    assert sum(len(p._p.xpath(".//pic:pic")) for p in attached) == 2
    assert "图1　三八节游园" in text and "图2　三八节游园" in text
    pdf = client.get(f"/rounds/submissions/{submission.pk}/report.pdf").content
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Subtype /Image") >= 2


def test_the_api_lists_the_versions_photos_and_the_round_asks_for_them(cast, songhe, login):
    submission = _submitted_with_two_photos(cast, songhe, login)
    data = login(cast.township_cadre).get(f"/api/v1/rounds/submissions/{submission.pk}/").json()
    urls = [p["url"] for p in data["photos"]]
    assert urls == [
        reverse("rounds:submission_photo", args=[p.pk])
        for p in SubmissionPhoto.objects.filter(submission=submission).order_by("position")
    ]
    target = login(cast.songhe_chair).get(f"/api/v1/rounds/targets/{songhe.pk}/").json()
    assert target["round"]["photos"] == "optional" and len(target["photos"]) == 2
