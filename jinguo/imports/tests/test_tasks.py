"""The import job on the queue: enqueued once the upload commits, claimed once, resumed when its
task comes again after the worker died or a transient error, re-queued by the operator."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.households.models import Household
from jinguo.imports import running
from jinguo.imports.models import ImportJob
from jinguo.imports.running import import_job_claim, transition
from jinguo.imports.services import import_job_create, import_jobs_requeue
from jinguo.imports.tasks import import_run, resuming
from jinguo.imports.tests.conftest import id_number, member, roster, upload

pytestmark = pytest.mark.django_db


def family(tree) -> bytes:
    return roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1), 包保执委="汪秀兰"),
        member("H002", "程家湾组网格", "张兰", "户主", id_number(seq=3)),
    )


def queued(cast, tree) -> ImportJob:
    """A job saved and queued; its task is never sent (the test's transaction never commits)."""
    return import_job_create(
        actor=cast.songhe_chair, org=tree.songhe, kind="households", upload=upload(family(tree))
    )


def statuses(job: ImportJob) -> list[str]:
    events = AuditEvent.objects.filter(target_id=str(job.pk), action__startswith="import.")
    return list(events.order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db(transaction=True)
def test_once_the_upload_commits_the_task_runs_the_job(default_categories, cast, tree, grid_execs):
    job = queued(cast, tree)  # autocommit: on_commit runs at once; no broker: the task too
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Household.objects.count() == 2


def test_two_workers_claiming_one_job_get_it_once(cast, tree):
    job = queued(cast, tree)
    assert [import_job_claim(job_id=job.pk) for _ in range(3)] == [True, False, False]
    assert statuses(job) == ["import.queued", "import.validating"]


def test_a_task_delivered_again_or_retried_resumes_and_a_first_delivery_does_not():
    assert resuming(SimpleNamespace(retries=0, delivery_info={"redelivered": True}))
    assert resuming(SimpleNamespace(retries=2, delivery_info={}))
    assert not resuming(SimpleNamespace(retries=0, delivery_info=None))


@pytest.mark.parametrize("left_in", ["validating", "writing"])
def test_a_job_whose_worker_died_is_run_once_when_its_task_comes_again(
    default_categories, cast, tree, grid_execs, left_in
):
    job = queued(cast, tree)
    import_job_claim(job_id=job.pk)  # the first worker took it, then was killed
    if left_in == "writing":
        transition(job, ImportJob.Status.WRITING)
    assert import_run.apply(args=(job.pk,)).get() is None  # a second task, not a redelivery
    assert import_run.apply(args=(job.pk,), retries=1).get() == "done"
    assert import_run.apply(args=(job.pk,), retries=1).get() is None  # finished: left alone
    assert Household.objects.count() == 2
    assert statuses(job).count("import.done") == 1


def test_a_transient_database_error_is_retried_and_the_job_finishes(
    default_categories, cast, tree, grid_execs, monkeypatch
):
    job = queued(cast, tree)
    real = running._process
    calls = []

    def flaky(job: ImportJob) -> None:
        calls.append(job.status)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real(job)

    monkeypatch.setattr(running, "_process", flaky)
    # As a worker runs it (eager propagation off): the retry comes as a second run, resuming.
    import_run.apply(args=(job.pk,), throw=False)
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert len(calls) == 2 and Household.objects.count() == 2


def test_a_bad_file_fails_the_job_without_a_retry(cast, tree, monkeypatch):
    job = queued(cast, tree)
    monkeypatch.setattr(running, "_process", lambda job: 1 / 0)
    assert import_run.apply(args=(job.pk,)).get() == "failed"
    job.refresh_from_db()
    assert "所有改动已撤销" in job.message


def test_the_operator_command_requeues_queued_and_stalled_jobs_only(
    default_categories, cast, tree, grid_execs
):
    waiting, stalled, busy = queued(cast, tree), queued(cast, tree), queued(cast, tree)
    for job in (stalled, busy):
        import_job_claim(job_id=job.pk)
    long_ago = timezone.now() - dt.timedelta(hours=1)  # its worker died long ago
    ImportJob.objects.filter(pk=stalled.pk).update(updated_at=long_ago)
    out = io.StringIO()
    call_command("run_imports", stdout=out)  # no broker: the jobs run here
    assert "queued 2 import job(s)" in out.getvalue()
    for job in (waiting, stalled, busy):
        job.refresh_from_db()
    assert (waiting.status, stalled.status, busy.status) == ("done", "done", "validating")
    assert statuses(stalled).count("import.queued") == 2
    assert import_jobs_requeue() == 0
