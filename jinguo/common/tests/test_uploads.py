import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jinguo.common.tests.upload_samples import (
    EXE,
    HOSTILE_PHOTOS,
    HOSTILE_WORKBOOKS,
    JPEG,
    NOISE,
    PDF,
    PNG,
    WEBP,
    crashing_workbook,
    dimension_bomb,
    stored_files,
    xlsx,
    zip_bomb,
)
from jinguo.common.uploads import IMAGE, SPREADSHEET, upload_errors
from jinguo.common.uploads import PDF as PDF_KIND
from jinguo.imports.models import ImportJob
from jinguo.orgs.models import OrgUnit
from jinguo.points.models import LoveBankItem


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- the checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content"), [("a.jpg", JPEG), ("a.png", PNG), ("a.webp", WEBP)])
def test_real_photos_are_accepted(name, content):
    assert upload_errors(upload(name, content), kinds=[IMAGE]) == []


@pytest.mark.parametrize(("name", "content"), HOSTILE_PHOTOS)
def test_what_is_not_a_photo_is_refused_whatever_its_name(name, content):
    assert upload_errors(upload(name, content), kinds=[IMAGE]) == [
        "这个文件不是有效的图片（JPEG、PNG 或 WebP），可能是改了扩展名的其他文件"
    ]


def test_a_photo_with_the_wrong_extension_is_stored_under_its_real_one():
    photo = upload("IMG_0001.jpg", PNG)
    assert upload_errors(photo, kinds=[IMAGE]) == []
    assert photo.name == "IMG_0001.png"
    unnamed = upload("blob", JPEG)  # what some phone browsers send
    assert upload_errors(unnamed, kinds=[IMAGE]) == [] and unnamed.name == "blob.jpg"


def test_an_empty_file_is_refused():
    assert upload_errors(upload("a.png", b""), kinds=[IMAGE]) == ["文件是空的，请检查后重新选择"]


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    [error] = upload_errors(upload("a.xlsx", xlsx() + b"\x00" * 8192), kinds=[SPREADSHEET])
    assert error.startswith("文件太大（") and "上限为2.0\xa0KB" in error


def test_photos_are_held_to_five_megabytes_even_when_the_upload_limit_is_higher(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    big = upload("a.png", PNG + b"\x00" * (5 * 1024 * 1024))
    [error] = upload_errors(big, kinds=[IMAGE])
    assert "上限为5.0\xa0MB" in error


def test_a_real_workbook_is_accepted_and_a_pdf_only_where_asked_for():
    assert upload_errors(upload("名单.xlsx", xlsx()), kinds=[SPREADSHEET]) == []
    assert upload_errors(upload("证明.pdf", PDF), kinds=[IMAGE, PDF_KIND]) == []
    assert upload_errors(upload("证明.pdf", PDF), kinds=[IMAGE]) != []


@pytest.mark.parametrize(("name", "content"), HOSTILE_WORKBOOKS)
def test_what_is_not_a_workbook_is_refused(name, content):
    [error] = upload_errors(upload(name, content), kinds=[SPREADSHEET])
    assert error.startswith("这个文件不是有效的Excel 表格")


def test_nothing_uploaded_is_not_an_error():
    assert upload_errors(None, kinds=[IMAGE]) == []


# --- the upload points that need no more than the cast ------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"), [*HOSTILE_WORKBOOKS, pytest.param("空.xlsx", b"", id="空.xlsx")]
)
def test_the_org_tree_import_refuses_a_bad_file_and_writes_nothing(
    cast, tree, login, media, name, content
):
    units = OrgUnit.objects.count()
    response = login(cast.songhe_chair).post(
        f"/orgs/{tree.songhe.pk}/import/", {"file": upload(name, content)}
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "不是有效的Excel 表格" in error or "文件是空的" in error
    assert OrgUnit.objects.count() == units
    assert stored_files(media) == []


# The roster import also takes CSV text: a .csv that is binary is what it refuses.
ROSTER_REFUSED = [
    *(sample for sample in HOSTILE_WORKBOOKS if not str(sample.values[0]).endswith(".csv")),  # type: ignore[attr-defined]
    pytest.param("名单.csv", EXE, id="名单.csv-exe"),
    pytest.param("名单.csv", NOISE, id="名单.csv-noise"),
]


@pytest.mark.parametrize(("name", "content"), ROSTER_REFUSED)
def test_a_roster_import_refuses_a_bad_file_and_writes_nothing(
    cast, tree, login, media, name, content
):
    response = login(cast.songhe_chair).post(
        f"/imports/new/?org={tree.songhe.pk}", {"kind": "households", "file": upload(name, content)}
    )
    assert response.status_code == 200
    assert "不是有效的Excel 表格" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_a_roster_import_over_the_limit_is_refused(cast, tree, login, media, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    big = upload("名单.xlsx", xlsx([["x" * 50] for _ in range(2000)]))
    assert (big.size or 0) > 4096
    response = login(cast.songhe_chair).post(
        f"/imports/new/?org={tree.songhe.pk}", {"kind": "households", "file": big}
    )
    assert "文件太大" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content"), HOSTILE_PHOTOS)
def test_a_love_bank_item_with_a_bad_photo_is_not_saved(cast, tree, login, media, name, content):
    response = login(cast.songhe_chair).post(
        f"/points/lovebank/new/?org={tree.songhe.pk}",
        {
            "name": "大米",
            "price": 10,
            "stock": 5,
            "is_active": "on",
            "photo": upload(name, content),
        },
    )
    assert response.status_code == 200
    assert "不是有效的图片" in response.context["form"].errors["photo"][0]
    assert not LoveBankItem.objects.exists()
    assert stored_files(media) == []


def test_a_love_bank_item_keeps_a_real_photo_under_its_real_extension(cast, tree, login, media):
    login(cast.songhe_chair).post(
        f"/points/lovebank/new/?org={tree.songhe.pk}",
        {"name": "大米", "price": 10, "stock": 5, "photo": upload("rice.jpg", PNG)},
    )
    item = LoveBankItem.objects.get()
    assert item.photo.name.startswith("points/items/") and item.photo.name.endswith(".png")
    assert len(stored_files(media)) == 1


# --- workbooks that are workbooks, but hostile ----------------------------------------------------


def test_a_workbook_declaring_the_whole_excel_grid_is_refused_with_the_limits(settings):
    settings.SHEET_MAX_ROWS, settings.SHEET_MAX_COLUMNS = 200_000, 200
    [error] = upload_errors(upload("名单.xlsx", dimension_bomb()), kinds=[SPREADSHEET])
    assert error == (
        "表格范围过大：有1048576行、16384列，上限为200000行、200列。"
        "请删除多余的空行、空列和不需要导入的工作表后再上传"
    )


def test_a_workbook_that_unpacks_a_thousandfold_is_refused():
    [error] = upload_errors(upload("名单.xlsx", zip_bomb(8 * 1024 * 1024)), kinds=[SPREADSHEET])
    assert error.startswith("文件的压缩比异常")


def test_the_org_tree_import_refuses_a_file_declaring_the_whole_grid(cast, tree, login, media):
    response = login(cast.songhe_chair).post(
        f"/orgs/{tree.songhe.pk}/import/", {"file": upload("组织.xlsx", dimension_bomb())}
    )
    [error] = response.context["form"].errors["file"]
    assert error.startswith("表格范围过大")
    assert stored_files(media) == []


def test_the_org_tree_import_survives_a_file_that_crashes_the_reader(cast, tree, login, media):
    # It opens as a workbook; reading its sheet aborts the reader, which runs in a child process.
    units = OrgUnit.objects.count()
    response = login(cast.songhe_chair).post(
        f"/orgs/{tree.songhe.pk}/import/", {"file": upload("组织.xlsx", crashing_workbook())}
    )
    assert response.status_code == 200
    assert "文件无法读取" in response.content.decode()
    assert OrgUnit.objects.count() == units
