"""`jinguo backup` / `jinguo restore` round trip: every table's count and checksum survive."""

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEvent
from jinguo.audit.services import audit_record
from jinguo.backups.archive import table_checksums
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


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


def test_backup_then_restore_into_an_empty_database_gives_back_every_row(records, media, tmp_path):
    before = table_checksums()
    archive = tmp_path / "jinguo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    _flush()
    (media / "visits" / "2026" / "photo.jpg").unlink()
    assert not User.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert table_checksums() == before
    assert "校验和与备份一致" in out.getvalue()
    assert Person.objects.get(name="王秀英").id_number == ID_NUMBER
    assert AuditEvent.objects.filter(action="test.note").exists()
    assert (media / "visits" / "2026" / "photo.jpg").read_bytes() == b"\xff\xd8photo"


def test_restored_database_takes_new_rows_after_the_restored_ones(records, media, tmp_path):
    archive = tmp_path / "jinguo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    highest = OrgUnit.objects.order_by("-pk").values_list("pk", flat=True)[0]
    _flush()
    call_command("restore", str(archive), stdout=io.StringIO())
    city = OrgUnit.objects.get(name="宣城市")
    new = OrgUnit.objects.create(name="新区", kind="county", code="341802000000", parent=city)
    assert new.pk > highest


def test_backup_keeps_id_numbers_encrypted(records, media, tmp_path):
    archive = tmp_path / "jinguo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert ID_NUMBER.encode() not in gzip.decompress(archive.read_bytes())


def test_backup_keeps_birth_dates_encrypted_and_restore_gives_them_back(records, media, tmp_path):
    archive = tmp_path / "jinguo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive, "r:gz") as src:
        manifest_file = src.extractfile("manifest.json")
        table_file = src.extractfile("tables/people_person.jsonl")
        assert manifest_file is not None and table_file is not None
        manifest = json.loads(manifest_file.read())
        lines = table_file.read().decode()
    column = manifest["tables"]["people_person"]["columns"].index("birth_date")
    (stored,) = [json.loads(line)[column] for line in lines.splitlines()]
    assert stored.startswith("v1:") and "1985" not in stored
    _flush()
    call_command("restore", str(archive), stdout=io.StringIO())
    assert str(Person.objects.get(name="王秀英").birth_date) == "1985-03-08"


def test_restore_refuses_a_database_that_already_has_data(records, media, tmp_path):
    archive = tmp_path / "jinguo.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="空数据库"):
        call_command("restore", str(archive), stdout=io.StringIO())


def _tamper(archive: Path, target: Path, name: str, change) -> None:
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            handle = src.extractfile(member)
            assert handle is not None
            content = handle.read()
            if member.name == name:
                content = change(content)
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))


def test_a_corrupted_table_is_refused_and_nothing_is_restored(records, media, tmp_path):
    archive, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    renamed = lambda b: b.replace("王".encode(), "汪".encode())  # noqa: E731
    _tamper(archive, bad, "tables/people_person.jsonl", renamed)
    _flush()
    with pytest.raises(CommandError, match="校验和"):
        call_command("restore", str(bad), stdout=io.StringIO())
    assert not Person.objects.exists()
    assert not OrgUnit.objects.exists()


def test_a_backup_from_other_migrations_is_refused(records, media, tmp_path):
    archive, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    def older(content: bytes) -> bytes:
        manifest = json.loads(content)
        manifest["migrations"] = manifest["migrations"][:-1]
        return json.dumps(manifest).encode()

    _tamper(archive, bad, "manifest.json", older)
    _flush()
    with pytest.raises(CommandError, match="数据库结构与备份不一致"):
        call_command("restore", str(bad), stdout=io.StringIO())


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="无法打开备份文件"):
        call_command("restore", str(junk), stdout=io.StringIO())


def test_backup_reads_every_model_table(db):
    names = set(table_checksums())
    assert {"people_person", "audit_auditevent", "orgs_orgunit"} <= names
    assert "django_session" not in names
    assert connection.vendor in ("sqlite", "postgresql")
