"""run_reads: independent reads side by side on PostgreSQL, one after another where other
connections could not see the caller's rows (a transaction, SQLite)."""

import threading
from functools import partial

import pytest
from django.db import connection
from django.utils import translation

from jinguo.common.parallel import run_reads
from jinguo.orgs.models import OrgUnit

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def where() -> str:
    return threading.current_thread().name


def test_reads_inside_a_transaction_run_in_the_callers_thread_in_order(tree, settings):
    settings.READ_THREADS = 3
    results = run_reads([lambda: (1, where()), lambda: (2, where()), lambda: (3, where())])
    assert results == [(n, where()) for n in (1, 2, 3)]


def test_rows_of_the_callers_transaction_are_seen_by_every_read(tree, settings):
    settings.READ_THREADS = 3
    count = OrgUnit.objects.count
    assert run_reads([count, count]) == [count(), count()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_reads_run_in_the_callers_thread(settings):
    settings.READ_THREADS = 3
    assert run_reads([where, where]) == [where(), where()]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_reads_run_side_by_side_each_on_its_own_connection(tree, settings):
    settings.READ_THREADS = 2
    both_running = threading.Barrier(2, timeout=10)  # breaks unless two reads run at once

    def read() -> tuple[str, int, int]:
        both_running.wait()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        return where(), pid, OrgUnit.objects.count()

    first, second = run_reads([read, read])
    assert where() not in (first[0], second[0]) and first[0] != second[0]
    assert first[1] != second[1]  # two connections
    assert first[2] == second[2] == OrgUnit.objects.count()  # committed rows are seen


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_reads_on_threads_speak_the_callers_language_and_keep_the_order(settings):
    settings.READ_THREADS = 2

    def speaking(n: int) -> tuple[int, str | None]:
        return n, translation.get_language()

    with translation.override("en"):
        results = run_reads([partial(speaking, n) for n in range(6)])
    assert results == [(n, "en") for n in range(6)]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failing_read_raises_in_the_caller(settings):
    settings.READ_THREADS = 2

    def broken() -> int:
        raise ValueError("坏了")

    with pytest.raises(ValueError, match="坏了"):
        run_reads([lambda: 1, broken])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_reads_started_by_a_read_run_in_its_thread_instead_of_waiting_on_the_pool(settings):
    settings.READ_THREADS = 1  # a nested wait on the pool would never end

    def outer() -> list[str]:
        return [where(), *run_reads([where, where])]

    (inner_threads,) = run_reads([outer, outer])[:1]
    assert len(set(inner_threads)) == 1 and inner_threads[0] != where()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_read_thread_keeps_its_connection_for_its_next_task_while_allowed(settings):
    settings.READ_THREADS = 1

    def pid() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    settings.READ_THREADS_CONN_SECONDS = 60
    kept = run_reads([pid, pid, pid])
    settings.READ_THREADS_CONN_SECONDS = 0  # and let go of it at the end of the next task
    last = run_reads([pid, pid])
    assert len(set(kept)) == 1 and last[0] == kept[0]
    assert last[1] != last[0]
