"""The uploaded roster and its error workbook are encrypted on disk; imports read them through
the storage, so a roster and a legacy plain roster still import end to end."""

import io
import zipfile
from pathlib import Path

from django.conf import settings

from jinguo.common.crypto import FILE_MAGIC
from jinguo.imports.models import ImportJob
from jinguo.imports.running import import_job_run
from jinguo.imports.services import import_job_create
from jinguo.imports.tests.conftest import error_rows, id_number, member, roster, upload
from jinguo.people.models import Person

IDN = id_number(seq=7)
NAME = "王秀英"


def _on_disk(field_file) -> bytes:
    return (Path(settings.MEDIA_ROOT) / field_file.name).read_bytes()


def _readable(data: bytes) -> bytes:
    """Everything a reader of the raw bytes could see: the bytes, and if they are a zip (an
    .xlsx) every member unpacked, since a workbook's strings are compressed."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return data + b"".join(archive.read(name) for name in archive.namelist())


def _in_clear(data: bytes) -> bool:
    text = _readable(data)
    return IDN.encode() in text or NAME.encode() in text


def test_the_uploaded_roster_on_disk_holds_neither_the_id_number_nor_the_name_in_clear(
    cast, tree, grid_execs, run_import
):
    content = roster(member("H001", tree.wushan.code, NAME, "户主", IDN))
    assert _in_clear(content)  # the workbook as uploaded does show them

    job = run_import(cast.songhe_chair, tree.songhe, content)

    assert job.status == ImportJob.Status.DONE, job.message
    raw = _on_disk(job.file)
    assert raw.startswith(FILE_MAGIC) and not _in_clear(raw)
    assert Person.objects.filter(name=NAME).exists()
    with job.file.open("rb") as handle:
        assert handle.read() == content


def test_the_error_workbook_is_encrypted_on_disk_and_read_back_in_clear(
    cast, tree, grid_execs, run_import
):
    bad = IDN[:17] + ("0" if IDN[17] != "0" else "1")
    job = run_import(cast.songhe_chair, tree.songhe, roster(member("H001", "", NAME, "户主", bad)))

    assert job.status == ImportJob.Status.REJECTED and job.error_file
    raw = _on_disk(job.error_file)
    assert raw.startswith(FILE_MAGIC) and NAME.encode() not in _readable(raw)
    assert {row for row, _reason in error_rows(job)} == {2}


def test_a_roster_stored_in_clear_before_encryption_is_still_imported(cast, tree, grid_execs):
    content = roster(member("H001", tree.wushan.code, NAME, "户主", IDN))
    # Queued only: the job starts when the test's transaction would commit, which it never does.
    job = import_job_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="households", upload=upload(b"x")
    )
    path = Path(settings.MEDIA_ROOT) / job.file.name
    path.write_bytes(content)  # as FileSystemStorage wrote it before this change

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert Person.objects.filter(name=NAME).exists()
