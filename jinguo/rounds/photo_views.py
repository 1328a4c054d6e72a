"""The photos of an answer: attaching them to the draft and removing them (through the target
page's one form, so that every button keeps what was typed), and serving them in clear to the
users who may see the draft or the version — the stored files are encrypted, so MEDIA_URL could
never serve them. Also the version's photos as the report's attachment (Word, PDF)."""

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinguo.common.forms import add_service_errors
from jinguo.common.http import AuthedRequest
from jinguo.common.images import scaled_image
from jinguo.reports.gongwen import ReportPhoto
from jinguo.rounds import forms, selectors, services
from jinguo.rounds.models import Round, Submission, Target

THUMB_SIDE = 480  # a page's thumbnail, sharp on a phone's screen at half its width
DOCUMENT_SIDE = 1600  # a photo in Word or PDF: 150 mm at some 270 dpi


def photo_form(request: AuthedRequest, target: Target) -> forms.PhotoForm | None:
    """The draft's photo fields, when the round takes photos."""
    if target.round.photos == Round.Photos.NONE:
        return None
    attached = list(selectors.target_photos(target=target))
    if request.method != "POST":
        return forms.PhotoForm(attached=attached)
    return forms.PhotoForm(request.POST, request.FILES, attached=attached)


def _refreshed(
    request: AuthedRequest, target: Target, old: forms.PhotoForm | None
) -> forms.PhotoForm | None:
    """After a refused button: the photos as they are now (those just attached included, with
    their captions), the captions typed kept, the errors shown."""
    if old is None:
        return None
    data = request.POST.copy()
    attached = list(selectors.target_photos(target=target))
    if len(attached) > len(old.attached):  # attached before the button was refused
        data["caption"] = ""
    for photo in attached:
        data.setdefault(f"caption_{photo.pk}", photo.caption)
    form = forms.PhotoForm(data, attached=attached)
    form.is_valid()
    for field, errors in old.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    return form


def _show(exc: ValidationError, form: forms.AnswerForm, photos: forms.PhotoForm | None) -> None:
    """A service's errors: those of the photos beside them, the others on the words."""
    if photos is not None and hasattr(exc, "error_dict") and "photos" in exc.error_dict:
        add_service_errors(photos, ValidationError({"photos": exc.error_dict.pop("photos")}))
        if not exc.error_dict:
            return
    add_service_errors(form, exc)


def _run(
    request: AuthedRequest, target: Target, form: forms.AnswerForm, photos: forms.PhotoForm | None
) -> str:
    """The button pressed, after any photos chosen are attached; the message to show."""
    user, texts, answers = request.user, form.texts(), form.answers()
    captions = photos.captions() if photos is not None else None
    if photos is not None and photos.cleaned_data["photos"]:
        services.target_photos_add(
            actor=user,
            target=target,
            files=photos.cleaned_data["photos"],
            caption=photos.cleaned_data["caption"],
        )
    if "submit" in request.POST:
        services.target_submit(
            actor=user, target=target, texts=texts, answers=answers, captions=captions
        )
        return _("已报送，等待上级审核。")
    services.target_save_draft(
        actor=user, target=target, texts=texts, answers=answers, captions=captions
    )
    remove = request.POST.get("remove_photo", "")
    if remove.isdigit():
        photo = selectors.target_photo_get_for_user(user=user, photo_id=int(remove), for_write=True)
        if photo.target_id != target.pk:
            raise Http404
        services.target_photo_remove(actor=user, photo=photo)
        return _("照片已删除，草稿已保存。")
    return _("草稿已保存。")


def answer_post(
    request: AuthedRequest, target: Target, form: forms.AnswerForm, photos: forms.PhotoForm | None
) -> tuple[str | None, forms.PhotoForm | None]:
    """Save, submit or remove a photo: (the message, None) when done, or (None, the photo form
    to draw again) with the errors on the forms and nothing typed lost."""
    try:
        return _run(request, target, form, photos), None
    except ValidationError as exc:
        refreshed = _refreshed(request, target, photos)
        _show(exc, form, refreshed)
        return None, refreshed


def _serve(request: AuthedRequest, field: FieldFile) -> HttpResponse | FileResponse:
    response: HttpResponse | FileResponse
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if request.GET.get("size") == "thumb":
        with handle:
            response = HttpResponse(
                scaled_image(handle.read(), THUMB_SIDE), content_type="image/jpeg"
            )
    else:
        response = FileResponse(handle, filename=PurePath(field.name or "photo").name)
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
@require_GET
def target_photo(request: AuthedRequest, photo_id: int) -> HttpResponse | FileResponse:
    """A draft's photo, for those who may see the draft (404 otherwise)."""
    photo = selectors.target_photo_get_for_user(user=request.user, photo_id=photo_id)
    return _serve(request, photo.file)


@login_required
@require_GET
def submission_photo(
    request: AuthedRequest, submission_photo_id: int
) -> HttpResponse | FileResponse:
    """A version's photo, for those who may see the version (404 otherwise)."""
    photo = selectors.submission_photo_get_for_user(user=request.user, photo_id=submission_photo_id)
    return _serve(request, photo.file)


def report_photos(submission: Submission) -> list[ReportPhoto]:
    """The version's photos for its Word or PDF report, scaled for print."""
    out = []
    for photo in selectors.submission_photos(submission=submission):
        try:
            with photo.file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue
        out.append(ReportPhoto(scaled_image(content, DOCUMENT_SIDE), photo.caption))
    return out
