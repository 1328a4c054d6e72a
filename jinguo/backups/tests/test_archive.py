"""`jinguo backup` / `jinguo restore`: every table's count and checksum survive; the archive is
encrypted under the backup key, and anything altered, cut short or foreign is refused with
nothing restored."""

import base64
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEvent
from jinguo.audit.services import audit_record
from jinguo.backups.archive import table_checksums
from jinguo.backups.tables import RowSum
from jinguo.backups.tests.sealing import open_plain, rewrite, seal_plain
from jinguo.households.tests.factories import household
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.services import person_create

pytestmark = pytest.mark.django_db(transaction=True)
ID_NUMBER = "341881198503080020"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "visits" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "visits" / "2026" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    return settings.MEDIA_ROOT


@pytest.fixture
def records(cast, tree, default_categories) -> None:
    person = person_create(
        actor=cast.songhe_chair, org=tree.songhe, name="王秀英", id_number=ID_NUMBER
    )
    household(tree.wushan, "WS-1", head=person)
    audit_record(actor=cast.songhe_chair, action="test.note", note="备份之前")


@pytest.fixture
def archive(records, media, tmp_path) -> Path:
    path = tmp_path / "jinguo.jgbk"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


def _restore(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _nothing_restored() -> bool:
    return not Person.objects.exists() and not OrgUnit.objects.exists()


def test_backup_then_restore_into_an_empty_database_gives_back_every_row(media, tmp_path, records):
    before = table_checksums()
    path = tmp_path / "jinguo.jgbk"
    call_command("backup", str(path), stdout=io.StringIO())
    _flush()
    (media / "visits" / "2026" / "photo.jpg").unlink()
    assert not User.objects.exists()

    out = _restore(path)

    assert table_checksums() == before
    assert "校验和与备份一致" in out
    assert "people_person" in out  # a line per table
    assert Person.objects.get(name="王秀英").id_number == ID_NUMBER
    assert AuditEvent.objects.filter(action="test.note").exists()
    assert (media / "visits" / "2026" / "photo.jpg").read_bytes() == b"\xff\xd8photo"


def test_restored_database_takes_new_rows_after_the_restored_ones(archive):
    highest = OrgUnit.objects.order_by("-pk").values_list("pk", flat=True)[0]
    _flush()
    _restore(archive)
    city = OrgUnit.objects.get(name="宣城市")
    new = OrgUnit.objects.create(name="新区", kind="county", code="341802000000", parent=city)
    assert new.pk > highest


def test_the_archive_reveals_no_name_and_no_structure_without_the_backup_key(archive):
    raw = archive.read_bytes()
    assert raw.startswith(b"JGBK\x01")  # not a gzip stream
    for clear in ("王秀英".encode(), b"people_person", b"manifest.json", b"header.json"):
        assert clear not in raw


def test_inside_the_archive_id_numbers_and_birth_dates_stay_ciphertext(archive):
    members = open_plain(archive)
    assert ID_NUMBER.encode() not in b"".join(members.values())
    header = json.loads(members["header.json"])
    column = header["tables"]["people_person"]["columns"].index("birth_date")
    (stored,) = [
        json.loads(line)[column]
        for line in members["tables/people_person/00000.jsonl"].splitlines()
    ]
    assert stored.startswith("v1:") and "1985" not in stored
    _flush()
    _restore(archive)
    assert str(Person.objects.get(name="王秀英").birth_date) == "1985-03-08"


def test_restore_refuses_a_database_that_already_has_data(archive):
    with pytest.raises(CommandError, match=r"空数据库.*accounts_user"):
        _restore(archive)


def test_a_table_changed_by_someone_holding_the_key_fails_its_checksum(archive, tmp_path):
    bad = tmp_path / "bad.jgbk"
    renamed = lambda b: b.replace("王".encode(), "汪".encode())  # noqa: E731
    rewrite(archive, bad, {"tables/people_person/00000.jsonl": renamed})
    _flush()
    with pytest.raises(CommandError, match="内容与清单不符"):
        _restore(bad)
    assert _nothing_restored()


def test_one_byte_changed_in_the_file_is_refused_and_nothing_is_restored(archive, tmp_path):
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "bad.jgbk"
    bad.write_bytes(bytes(data))
    _flush()
    with pytest.raises(CommandError, match="已被改动或损坏"):
        _restore(bad)
    assert _nothing_restored()


def test_a_file_cut_short_is_refused_and_nothing_is_restored(archive, tmp_path):
    bad = tmp_path / "short.jgbk"
    bad.write_bytes(archive.read_bytes()[:-100])
    _flush()
    with pytest.raises(CommandError, match="不完整"):
        _restore(bad)
    assert _nothing_restored()


def test_bytes_added_after_the_end_are_refused(archive, tmp_path):
    bad = tmp_path / "longer.jgbk"
    bad.write_bytes(archive.read_bytes() + b"\x00" * 20)
    _flush()
    with pytest.raises(CommandError, match="多余内容"):
        _restore(bad)
    assert _nothing_restored()


def test_a_backup_made_with_another_key_is_refused_by_name(archive, settings):
    _flush()
    settings.BACKUP_KEY = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(CommandError, match="另一把备份密钥"):
        _restore(archive)
    assert _nothing_restored()


def test_an_earlier_backup_key_kept_in_old_keys_still_restores(archive, settings):
    old = settings.BACKUP_KEY
    _flush()
    settings.BACKUP_KEY = base64.b64encode(os.urandom(32)).decode()
    settings.BACKUP_OLD_KEYS = [old]
    assert "校验和与备份一致" in _restore(archive)


def test_without_a_backup_key_no_backup_is_written(records, settings, tmp_path):
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="JINGUO_BACKUP_KEY"):
        call_command("backup", str(tmp_path / "x.jgbk"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_a_backup_from_other_migrations_is_refused(archive, tmp_path):
    bad = tmp_path / "bad.jgbk"

    def older(content: bytes) -> bytes:
        header = json.loads(content)
        header["migrations"] = header["migrations"][:-1]
        return json.dumps(header).encode()

    rewrite(archive, bad, {"header.json": older})
    _flush()
    with pytest.raises(CommandError, match="数据库结构与备份不一致"):
        _restore(bad)


def test_an_archive_without_its_manifest_is_refused(archive, tmp_path):
    bad = tmp_path / "bad.jgbk"
    rewrite(archive, bad, {"manifest.json": None})
    _flush()
    with pytest.raises(CommandError, match="manifest"):
        _restore(bad)
    assert _nothing_restored()


def test_a_media_path_leaving_the_media_folder_is_refused(archive, tmp_path, media):
    bad = tmp_path / "bad.jgbk"
    rewrite(archive, bad, {}, extra={"media/../../escaped.txt": b"x"})
    _flush()
    with pytest.raises(CommandError, match="不安全"):
        _restore(bad)
    assert not (tmp_path / "escaped.txt").exists()
    assert _nothing_restored()


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    junk = tmp_path / "junk.jgbk"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="不是 Jinguo 的加密备份"):
        _restore(junk)


def test_an_old_unencrypted_backup_is_refused_with_its_reason(db, tmp_path):
    old = tmp_path / "old.tar.gz"
    with tarfile.open(old, "w:gz"):
        pass
    with pytest.raises(CommandError, match="旧格式"):
        _restore(old)


def test_a_sealed_file_that_is_not_a_tar_is_refused(db, tmp_path):
    bad = tmp_path / "bad.jgbk"
    seal_plain(b"plain words, not a tar stream", bad)
    with pytest.raises(CommandError, match="无法读取"):
        _restore(bad)


def test_a_row_pointing_at_nothing_is_refused_at_the_end_and_nothing_is_restored(archive, tmp_path):
    """Signed with the key and consistent with its manifest, but a household's grid is gone:
    the foreign keys, checked once the rows are in, refuse it."""
    members = open_plain(archive)
    header = json.loads(members["header.json"])
    column = header["tables"]["households_household"]["columns"].index("grid_id")
    lines = []
    for line in members["tables/households_household/00000.jsonl"].splitlines():
        row = json.loads(line)
        row[column] = 987654
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
    sums = RowSum()
    for line in lines:
        sums.add(line)

    def orphaned(_content: bytes) -> bytes:
        return b"".join(line + b"\n" for line in lines)

    def resummed(content: bytes) -> bytes:
        manifest = json.loads(content)
        manifest["tables"]["households_household"].update(sums.as_dict())
        return json.dumps(manifest, ensure_ascii=False).encode()

    bad = tmp_path / "orphan.jgbk"
    rewrite(
        archive,
        bad,
        {"tables/households_household/00000.jsonl": orphaned, "manifest.json": resummed},
    )
    _flush()
    with pytest.raises(CommandError, match="已全部回滚"):
        _restore(bad)
    assert _nothing_restored()
