"""A small bench.load in the suite: a dozen signed-in sessions record visits, move shared cases
through their loop and read the list pages at the same time, against the live server; no 5xx,
no connection error, and every acknowledged write stored exactly once."""

import uuid

import pytest
from django.db import connection

from bench.load import Plan, Stats, report, run_clients, verify
from jinguo.accounts.tests.factories import PASSWORD
from jinguo.cases.services import case_report
from jinguo.households.tests.factories import household, person

SESSIONS = 12
SECONDS = 4.0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the live server shares the test's one in-memory SQLite connection between all its "
    "request threads, so concurrent requests would not be concurrent transactions",
)
def test_concurrent_sessions_get_no_errors_and_lose_no_writes(tree, cast, people, live_server):
    run = uuid.uuid4().hex[:8]
    grids = [tree.wushan, tree.chengjiawan]
    homes = {
        grid.pk: [household(grid, f"{grid.pk}-{n:03d}").pk for n in range(5)] for grid in grids
    }
    for grid in grids:  # someone to dispatch each grid's cases to
        person(grid, f"{grid.name}承办人")
    pool = {
        grid.pk: [
            case_report(
                actor=cast.songhe_chair, org=grid, kind="dispute_neighbour", title=f"load {n}"
            ).pk
            for n in range(4)
        ]
        for grid in grids
    }
    member = Plan(
        cast.wushan_member.username, PASSWORD, homes[tree.wushan.pk], pool[tree.wushan.pk]
    )
    chair = Plan(
        cast.songhe_chair.username,
        PASSWORD,
        [h for grid in grids for h in homes[grid.pk]],
        [c for grid in grids for c in pool[grid.pk]],
    )
    plans = [member if n % 2 else chair for n in range(SESSIONS)]
    host, port = live_server.thread.host, live_server.thread.port

    stats = run_clients(host=host, port=port, plans=plans, seconds=SECONDS, run=run)
    found = verify(stats=stats, run=run, cases=[c for cases in pool.values() for c in cases])

    assert stats.errors == [], report(stats, found)
    assert found.ok, report(stats, found)
    assert stats.visits and sum(stats.transitions.values()), report(stats, found)
    assert found.visits_found == len(stats.visits)


def test_the_check_finds_a_lost_visit_and_a_lost_transition(tree, cast):
    case = case_report(actor=cast.songhe_chair, org=tree.wushan, kind="request", title="t")
    stats = Stats()
    stats.visits["load run1 0 1"] = False
    stats.transitions[(case.pk, "accept", "songhe_chair")] += 1
    found = verify(stats=stats, run="run1", cases=[case.pk])
    assert found.visits_lost == ["load run1 0 1"]
    assert found.transitions_lost == [(case.pk, "accept", "songhe_chair")]
    assert not found.ok


def test_the_check_finds_a_history_that_does_not_chain(tree, cast):
    from jinguo.cases.models import CaseTransition

    case = case_report(actor=cast.songhe_chair, org=tree.wushan, kind="request", title="t")
    # Two accepts of one reported case: what a lost update would leave behind.
    for _ in range(2):
        CaseTransition.objects.create(
            case=case,
            actor=cast.songhe_chair,
            action="accept",
            from_status="reported",
            to_status="accepted",
        )
    found = verify(stats=Stats(), run="run2", cases=[case.pk])
    assert found.broken_histories == [case.pk]
