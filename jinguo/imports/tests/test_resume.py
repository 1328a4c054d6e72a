"""A households roster written in chunks, each committed with a checkpoint: a job whose worker
died while writing is checked again and written on after its checkpoint, never twice."""

import pytest
from django.db import OperationalError

from jinguo.audit.models import AuditEvent
from jinguo.households.models import Household, HouseholdChange, Resident
from jinguo.imports import households, running, writing
from jinguo.imports.models import ImportJob
from jinguo.imports.running import import_job_run
from jinguo.imports.services import import_job_create
from jinguo.imports.tests.conftest import id_number, member, roster, upload
from jinguo.people.models import Person, PersonChange

pytestmark = pytest.mark.django_db


def three_households(tree) -> bytes:
    return roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1), 包保执委="汪秀兰"),
        member("H001", "", "李明", "配偶", id_number(seq=11, female=False)),
        member("H002", "程家湾组网格", "张兰", "户主", id_number(seq=3)),
        member("H003", "程家湾组网格", "陈芳", "户主", id_number(seq=5)),
    )


def queued(cast, tree) -> ImportJob:
    return import_job_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        kind="households",
        upload=upload(three_households(tree)),
    )


def ran(job: ImportJob | None) -> ImportJob:
    """The job import_job_run claimed and ran (None: it claimed nothing)."""
    assert job is not None
    return job


def history() -> tuple[int, int, int]:
    audits = AuditEvent.objects.filter(action__startswith="household.").count()
    return HouseholdChange.objects.count(), PersonChange.objects.count(), audits


@pytest.fixture
def chunks_of_one(monkeypatch):
    monkeypatch.setattr(writing, "WRITE_CHUNK", 1)


def crash_after(monkeypatch, chunks: int, error: Exception) -> None:
    """The worker dies (or fails) while writing, once `chunks` chunks are committed."""
    real = households.HouseholdImport.write
    calls = []

    def write(self, chunk):
        calls.append(1)
        if len(calls) > chunks:
            raise error
        return real(self, chunk)

    monkeypatch.setattr(households.HouseholdImport, "write", write)


def test_a_roster_is_written_in_chunks_with_the_counts_of_the_whole_file(
    default_categories, cast, tree, grid_execs, chunks_of_one
):
    job = ran(import_job_run(job_id=queued(cast, tree).pk))
    assert job.status == "done", job.message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (7, 0, 0)
    assert job.summary["households"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert "writing" not in job.summary


def test_a_job_whose_worker_died_while_writing_resumes_after_its_checkpoint(
    default_categories, cast, tree, grid_execs, chunks_of_one, monkeypatch
):
    job = queued(cast, tree)
    with monkeypatch.context() as patch:
        crash_after(patch, 1, OperationalError("server closed the connection unexpectedly"))
        with pytest.raises(OperationalError):
            import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "writing" and job.written == (1, 3) and job.percent == 33
    assert Household.objects.filter(number__startswith="H").count() == 1

    resumed = ran(import_job_run(job_id=job.pk, resume=True))
    assert resumed.status == "done", resumed.message
    assert Household.objects.filter(number__startswith="H").count() == 3
    assert Resident.objects.filter(household__number__startswith="H").count() == 4
    assert resumed.summary["households"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert resumed.summary["persons"] == {"created": 4, "updated": 0, "unchanged": 0}


# (household change rows, person change rows, household audit rows) of this file imported once:
# 3 creations, 4 resident_add, 1 assign; 4 person.create.
ONCE = (8, 4, 8)


@pytest.mark.parametrize("crashed_after", [None, 1, 2])
def test_a_resumed_job_leaves_the_history_of_one_import(
    default_categories, cast, tree, grid_execs, chunks_of_one, monkeypatch, crashed_after
):
    job = queued(cast, tree)
    if crashed_after is not None:
        with monkeypatch.context() as patch:
            crash_after(patch, crashed_after, OperationalError("the worker died"))
            with pytest.raises(OperationalError):
                import_job_run(job_id=job.pk)
        job = ran(import_job_run(job_id=job.pk, resume=True))
    else:
        job = ran(import_job_run(job_id=job.pk))
    assert job.status == "done", job.message
    assert history() == ONCE
    assert Person.objects.filter(residence__household__number__startswith="H").count() == 4
    assert AuditEvent.objects.filter(action="households.import").count() == 1


def test_a_job_whose_worker_died_after_its_last_chunk_is_done_with_the_saved_counts(
    default_categories, cast, tree, grid_execs, chunks_of_one, monkeypatch
):
    job = queued(cast, tree)
    real = running.audit_record

    def dies_on_the_summary(**kwargs):
        if kwargs["action"] == "households.import":
            raise OperationalError("the worker died")
        return real(**kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(running, "audit_record", dies_on_the_summary)
        with pytest.raises(OperationalError):
            import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "writing" and job.written == (3, 3)
    resumed = ran(import_job_run(job_id=job.pk, resume=True))
    assert resumed.status == "done", resumed.message
    assert resumed.summary["households"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert history() == ONCE


def test_a_failure_after_a_chunk_says_what_was_written(
    default_categories, cast, tree, grid_execs, chunks_of_one, monkeypatch
):
    job = queued(cast, tree)
    crash_after(monkeypatch, 2, ValueError("a bug"))
    failed = ran(import_job_run(job_id=job.pk))
    assert failed.status == "failed"
    assert "已写入前2户" in failed.message
    assert Household.objects.filter(number__startswith="H").count() == 2


def test_a_file_with_an_error_writes_no_chunk(
    default_categories, cast, tree, grid_execs, chunks_of_one
):
    content = roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1)),
        member("H002", "不存在的网格", "张兰", "户主", id_number(seq=3)),
    )
    job = import_job_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="households", upload=upload(content)
    )
    rejected = ran(import_job_run(job_id=job.pk))
    assert rejected.status == "rejected"
    assert not Household.objects.filter(number__startswith="H").exists()
    assert rejected.written == (0, 0)


def test_while_writing_the_bar_shows_the_households_written():
    job = ImportJob(
        status=ImportJob.Status.WRITING, summary={"writing": {"written": 1, "households": 4}}
    )
    assert job.percent == 25 and job.written == (1, 4)
    assert ImportJob(status=ImportJob.Status.WRITING).percent == 100  # no checkpoint yet


def test_while_writing_the_progress_fragment_counts_the_households_written(cast, tree, login):
    job = queued(cast, tree)
    ImportJob.objects.filter(pk=job.pk).update(
        status="writing",
        total_rows=4,
        processed_rows=4,
        summary={"writing": {"written": 1, "households": 3, "counts": {}}},
    )
    client = login(cast.songhe_chair)
    html = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "已写入 1 / 3 户" in html and 'data-width="33"' in html


def scattered(tree) -> bytes:
    """H001's spouse comes after H002: H002 is complete first."""
    return roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1)),
        member("H002", "程家湾组网格", "张兰", "户主", id_number(seq=3)),
        member("H001", "", "李明", "配偶", id_number(seq=11, female=False)),
        member("H003", "程家湾组网格", "陈芳", "户主", id_number(seq=5)),
    )


def test_a_household_whose_rows_are_apart_is_written_with_all_its_members_after_a_restart(
    default_categories, cast, tree, grid_execs, chunks_of_one, monkeypatch
):
    job = import_job_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="households", upload=upload(scattered(tree))
    )
    with monkeypatch.context() as patch:
        crash_after(patch, 1, OperationalError("the worker died"))
        with pytest.raises(OperationalError):
            import_job_run(job_id=job.pk)
    # Households are written once their last row is read: H002 first.
    assert list(
        Household.objects.filter(number__startswith="H").values_list("number", flat=True)
    ) == ["H002"]
    resumed = ran(import_job_run(job_id=job.pk, resume=True))
    assert resumed.status == "done", resumed.message
    members = Resident.objects.filter(household__number="H001").values_list(
        "person__name", flat=True
    )
    assert sorted(members) == ["李明", "王秀英"]
    assert Resident.objects.filter(household__number__startswith="H").count() == 4
    assert resumed.summary["persons"] == {"created": 4, "updated": 0, "unchanged": 0}


def test_checking_keeps_no_member_of_any_household(
    default_categories, cast, tree, grid_execs, monkeypatch
):
    job = import_job_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="households", upload=upload(scattered(tree))
    )
    seen: dict[str, object] = {}
    real = households.HouseholdImport.check

    def check(self):
        errors = real(self)
        seen["drafts"] = [
            (d.number, len(d.members), d.head, d.head_row) for d in self.households.values()
        ]
        seen["ids"] = len(self._seen_ids)
        return errors

    monkeypatch.setattr(households.HouseholdImport, "check", check)
    assert ran(import_job_run(job_id=job.pk)).status == "done"
    assert seen["drafts"] == [("H001", 0, None, 2), ("H002", 0, None, 3), ("H003", 0, None, 5)]
    assert seen["ids"] == 0  # compared with the database, then let go


def test_while_the_file_is_read_the_bar_shows_the_rows_read(cast, tree, login):
    job = queued(cast, tree)
    ImportJob.objects.filter(pk=job.pk).update(
        status="validating", summary={"reading": [250_000, 1_000_000]}
    )
    job.refresh_from_db()
    assert job.reading == (250_000, 1_000_000) and job.percent == 25
    client = login(cast.songhe_chair)
    html = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "正在读取文件：250000 / 1000000 行" in html and 'data-width="25"' in html


def test_once_checking_has_begun_the_bar_follows_the_rows_checked():
    job = ImportJob(
        status="validating", processed_rows=10, total_rows=40, summary={"reading": [40, 40]}
    )
    assert job.reading == (0, 0) and job.percent == 25


def test_on_postgresql_a_chunk_commits_without_waiting_for_the_disk(
    default_categories, cast, tree, grid_execs, monkeypatch
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    seen = []
    real = households.HouseholdImport.write

    def write(self, chunk):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        return real(self, chunk)

    monkeypatch.setattr(households.HouseholdImport, "write", write)
    assert ran(import_job_run(job_id=queued(cast, tree).pk)).status == "done"
    # SET LOCAL: for the chunk's own transaction (here the test's, which holds them all).
    assert seen and set(seen) == {"off"}
