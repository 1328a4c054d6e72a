"""Uploaded files are encrypted at rest (jinguo/common/storage.py) and read back in clear only
through the storage; files written before that stay readable until `encrypt_media` seals them."""

from io import StringIO

import pytest
from cryptography.exceptions import InvalidTag
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from jinguo.common.crypto import FILE_MAGIC, decrypt_bytes, encrypt_bytes
from jinguo.common.storage import EncryptedFileSystemStorage
from jinguo.common.tests.upload_samples import JPEG

SECRET = "341881199001010122 汪秀兰".encode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_default_storage_encrypts():
    assert isinstance(default_storage, EncryptedFileSystemStorage)


def test_a_saved_file_is_ciphertext_on_disk_and_plain_when_opened(media):
    storage = EncryptedFileSystemStorage()
    name = storage.save("visits/note.bin", ContentFile(SECRET))
    raw = (media / name).read_bytes()
    assert raw.startswith(FILE_MAGIC) and SECRET not in raw
    with storage.open(name, "rb") as handle:
        assert handle.read() == SECRET


def test_the_same_content_is_sealed_differently_each_time():
    assert encrypt_bytes(SECRET) != encrypt_bytes(SECRET)
    assert decrypt_bytes(encrypt_bytes(SECRET)) == SECRET


def test_an_altered_file_is_refused_rather_than_read():
    sealed = bytearray(encrypt_bytes(SECRET))
    sealed[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt_bytes(bytes(sealed))


def test_a_plain_file_written_before_encryption_is_still_read_as_it_is(media):
    (media / "visits").mkdir(parents=True)
    (media / "visits" / "old.jpg").write_bytes(JPEG)
    with EncryptedFileSystemStorage().open("visits/old.jpg", "rb") as handle:
        assert handle.read() == JPEG


def test_a_field_file_reopened_after_closing_is_read_in_clear_again(media):
    storage = EncryptedFileSystemStorage()
    name = storage.save("a.bin", ContentFile(SECRET))
    handle = storage.open(name, "rb")
    handle.close()
    assert handle.open("rb").read() == SECRET


def test_the_storage_cannot_be_opened_for_writing_around_the_encryption(media):
    storage = EncryptedFileSystemStorage()
    name = storage.save("a.bin", ContentFile(SECRET))
    with pytest.raises(ValueError):
        storage.open(name, "wb")


def test_encrypt_media_encrypts_legacy_files_and_is_idempotent(media):
    storage = EncryptedFileSystemStorage()
    (media / "imports" / "2026").mkdir(parents=True)
    (media / "imports" / "2026" / "roster.xlsx").write_bytes(SECRET)
    (media / "old.jpg").write_bytes(JPEG)
    sealed = storage.save("new.bin", ContentFile(b"new"))
    sealed_before = (media / sealed).read_bytes()

    out = StringIO()
    call_command("encrypt_media", stdout=out)
    assert "已加密 2 个文件" in out.getvalue()
    for name, plain in (("imports/2026/roster.xlsx", SECRET), ("old.jpg", JPEG)):
        raw = (media / name).read_bytes()
        assert raw.startswith(FILE_MAGIC) and plain not in raw
        assert storage.open(name, "rb").read() == plain
    assert (media / sealed).read_bytes() == sealed_before  # already encrypted: untouched

    after_first = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    out = StringIO()
    call_command("encrypt_media", stdout=out)
    assert "已加密 0 个文件" in out.getvalue()
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == after_first


def test_encrypt_media_without_a_media_folder_encrypts_nothing(media):
    out = StringIO()
    call_command("encrypt_media", stdout=out)
    assert "已加密 0 个文件" in out.getvalue()


LARGE = bytes(range(256)) * 20_000  # 5 MB: several pieces of decrypt_file


def test_a_large_file_is_decrypted_piece_by_piece_into_a_temporary_file(media):
    storage = EncryptedFileSystemStorage()
    name = storage.save("imports/roster.xlsx", ContentFile(LARGE))
    with storage.plain_copy(name) as plain:
        assert plain.read() == LARGE


def test_a_large_file_altered_on_disk_is_refused_by_the_piecewise_decryption(media):
    storage = EncryptedFileSystemStorage()
    name = storage.save("imports/roster.xlsx", ContentFile(LARGE))
    path = media / name
    sealed = bytearray(path.read_bytes())
    sealed[len(sealed) // 2] ^= 1
    path.write_bytes(bytes(sealed))
    with pytest.raises(InvalidTag):
        storage.plain_copy(name)


def test_a_plain_file_is_copied_as_it_is_by_the_piecewise_decryption(media):
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "old.xlsx").write_bytes(LARGE)
    with EncryptedFileSystemStorage().plain_copy("imports/old.xlsx") as plain:
        assert plain.read() == LARGE


def test_a_large_file_is_sealed_piece_by_piece_as_a_small_one_is_whole(media):
    storage = EncryptedFileSystemStorage()
    name = storage.save("imports/roster.xlsx", ContentFile(LARGE))
    raw = (media / name).read_bytes()
    assert raw.startswith(FILE_MAGIC) and len(raw) == len(LARGE) + 32
    assert decrypt_bytes(raw) == LARGE  # the format of encrypt_bytes
