import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from jinguo.cases import services
from jinguo.cases.models import Case
from jinguo.cases.selectors import (
    case_clock,
    case_figures,
    case_figures_by,
    case_get_for_user,
    case_list,
    case_page_values,
    case_rows,
    cases_visible,
    cases_visible_in,
    figure_q,
)
from jinguo.cases.tests.factories import closed, report, resolved
from jinguo.households.tests.factories import executive
from jinguo.orgs import tree as tree_module
from jinguo.people.models import Person


@pytest.fixture
def mediator(tree) -> Person:
    return executive(tree.songhe, "调解员甲")


def test_a_village_sees_its_cases_and_not_another_villages(cast, tree):
    mine, theirs = report(tree.wushan), report(tree.gangkou)
    assert list(case_list(user=cast.songhe_chair)) == [mine]
    assert set(case_list(user=cast.township_cadre)) == {mine, theirs}
    with pytest.raises(Http404):
        case_get_for_user(user=cast.songhe_chair, case_id=theirs.pk)
    assert list(case_list(user=cast.system_admin)) == []


def test_the_reporting_unit_still_sees_an_escalated_case_but_cannot_act(cast, tree):
    case = services.case_escalate(actor=None, case=report(tree.songhe), reason="跨村")
    assert case_get_for_user(user=cast.songhe_chair, case_id=case.pk) == case
    with pytest.raises(PermissionDenied):
        case_get_for_user(user=cast.songhe_chair, case_id=case.pk, for_write=True)
    assert case_get_for_user(user=cast.township_cadre, case_id=case.pk, for_write=True)


def test_a_leader_reads_but_may_not_write(cast, tree):
    case = report(tree.songhe)
    assert case_get_for_user(user=cast.county_leader, case_id=case.pk) == case
    with pytest.raises(PermissionDenied):
        case_get_for_user(user=cast.county_leader, case_id=case.pk, for_write=True)


def test_warning_below_30_percent_of_the_time_left_and_overdue_past_the_deadline(cast, tree, clock):
    clock(2026, 3, 2, 0, 0)  # Monday; rights visit: 5 working days → due Mon 9 Mar 23:59:59
    case = report(tree.songhe, kind="rights_visit")
    span = case.due_at - case.clock_started_at
    at = lambda share: case.due_at - span * share  # noqa: E731 — time when `share` is left
    assert not case_clock(case, at(0.31)).is_warning
    assert case_clock(case, at(0.29)).is_warning
    assert case_clock(case, at(0.29)).time_left_ratio == pytest.approx(0.29)
    late = case.due_at + dt.timedelta(minutes=1)
    assert case_clock(case, late).is_overdue and not case_clock(case, late).is_warning

    clock(2026, 3, 8, 12, 0)  # 6.5 of 7.99 days gone: less than 30 % left
    assert list(case_list(user=cast.songhe_chair, warning=True)) == [case]
    assert list(case_list(user=cast.songhe_chair, overdue=True)) == []
    clock(2026, 3, 10, 0, 0)
    assert list(case_list(user=cast.songhe_chair, overdue=True)) == [case]
    assert list(case_list(user=cast.songhe_chair, warning=True)) == []


def test_a_stopped_clock_never_warns(tree, mediator, clock):
    clock(2026, 3, 2, 9, 0)
    case = resolved(tree.songhe, mediator)
    assert case_clock(case, case.due_at + dt.timedelta(days=5)).is_overdue is False


def test_the_list_does_not_query_per_row(cast, tree, mediator, count_queries):
    def run() -> None:
        for case in case_list(user=cast.songhe_chair):
            case_clock(case)
            _ = (case.org.name, case.origin_org.name, case.assignee and case.assignee.name)

    report(tree.songhe)
    resolved(tree.songhe, mediator)
    few = count_queries(run)
    for _i in range(4):
        resolved(tree.wushan, mediator)
    assert count_queries(run) == few


def build_dataset(tree, mediator, clock) -> None:
    """10 disputes handled in March (6 with executives, 3 written agreements), of which 4
    emotional (2 resolved), plus cases the figures must not count."""
    clock(2026, 3, 10, 9, 0)
    plan = [
        # kind, outcome, participant, closed (else only resolved)
        ("dispute_marriage", "written_agreement", True, True),
        ("dispute_marriage", "written_agreement", True, True),
        ("dispute_neighbour", "written_agreement", True, False),
        ("dispute_neighbour", "not_resolved", True, True),
        ("dispute_support", "oral_agreement", False, True),
        ("domestic_violence", "oral_agreement", True, True),
        ("dispute_emotional", "oral_agreement", True, True),
        ("dispute_emotional", "oral_agreement", False, False),
        ("dispute_emotional", "not_resolved", False, True),
        ("dispute_emotional", "not_resolved", False, True),
    ]
    for kind, outcome, with_participant, done in plan:
        build = closed if done else resolved
        org = tree.wushan
        case = build(org, mediator, kind=kind, outcome=outcome)
        if with_participant:
            services.case_add_participant(actor=None, case=case, person=mediator, role="mediator")
    resolved(tree.wushan, mediator, kind="request", outcome="")  # not a dispute
    report(tree.wushan, kind="dispute_emotional")  # not handled yet
    gangkou_mediator = executive(tree.gangkou, "港口调解员")
    resolved(tree.gangkou, gangkou_mediator, kind="dispute_emotional")  # another village
    clock(2026, 4, 2, 9, 0)
    resolved(tree.wushan, mediator, outcome="written_agreement")  # after the period


def test_the_seed_figures_reproduce_a_built_dataset_exactly(cast, tree, mediator, clock):
    build_dataset(tree, mediator, clock)
    figures = case_figures(
        user=cast.township_cadre,
        org=tree.songhe,
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
    )
    assert {f.key: f.value for f in figures} == {
        "disputes": 10,
        "with_participants": 6,
        "written_agreements": 3,
        "emotional_found": 5,  # the four handled and the one not handled yet, all reported in March
        "emotional_resolved": 2,
    }
    assert figures[0].url.startswith("/cases/?figure=disputes&org=")
    # The figure's link lists exactly the cases it counts.
    q = figure_q(
        key="with_participants",
        org=tree.songhe,
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
    )
    assert case_list(user=cast.township_cadre, ids_q=q).count() == 6


def test_figures_only_count_what_the_user_may_see(cast, tree, mediator, clock):
    build_dataset(tree, mediator, clock)
    figures = case_figures(
        user=cast.gangkou_chair,
        org=tree.helixi,
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
    )
    assert {f.key: f.value for f in figures}["emotional_found"] == 1
    assert Case.objects.count() == 14


@pytest.mark.parametrize("user", ["township_cadre", "gangkou_chair", "city_cadre"])
def test_figures_grouped_by_child_sum_to_the_figures_and_count_each_child(
    cast, tree, mediator, clock, user
):
    build_dataset(tree, mediator, clock)
    period = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
    viewer = getattr(cast, user)
    org = tree.helixi
    plain = case_figures(user=viewer, org=org, **period)
    segment = Substr("org__path", len(org.path) + 1, tree_module.SEGMENT)
    grouped, by_child = case_figures_by(user=viewer, org=org, group=segment, **period)
    assert grouped == plain
    for child in (tree.songhe, tree.gangkou):
        own = {f.key: f.value for f in case_figures(user=viewer, org=child, **period)}
        assert by_child.get(tree_module.segment(child.pk), dict.fromkeys(own, 0)) == own


def test_cases_visible_in_a_unit_are_the_visible_cases_handled_there_for_every_user(cast, tree):
    """The scope filter is left out only where it cannot remove anything (scope_covers)."""
    songhe, gangkou, dongmen = report(tree.wushan), report(tree.gangkou), report(tree.dongmen)
    escalated = report(tree.wushan)
    Case.objects.filter(pk=escalated.pk).update(org=tree.ningguo, origin_org=tree.songhe)
    users = [cast.songhe_chair, cast.township_cadre, cast.city_cadre, cast.system_admin]
    units = [tree.city, tree.ningguo, tree.helixi, tree.songhe, tree.gangkou, tree.dongmen]
    for user in users:
        for org in units:
            expected = set(cases_visible(user=user).filter(org.subtree_q("org__")))
            assert set(cases_visible_in(user=user, org=org)) == expected, (user, org)
    # The village chair sees the county's escalated case (reported by her) but not Gangkou's.
    assert set(cases_visible_in(user=cast.songhe_chair, org=tree.ningguo)) == {songhe, escalated}
    assert set(cases_visible_in(user=cast.city_cadre, org=tree.city)) == {
        songhe,
        gangkou,
        dongmen,
        escalated,
    }


def test_scope_covers_only_the_users_own_subtree(cast, tree):
    from jinguo.orgs.selectors import scope_covers

    assert scope_covers(user=cast.township_cadre, org=tree.songhe)
    assert scope_covers(user=cast.township_cadre, org=tree.helixi)
    assert not scope_covers(user=cast.township_cadre, org=tree.ningguo)
    assert not scope_covers(user=cast.township_cadre, org=tree.dongmen)
    assert not scope_covers(user=cast.system_admin, org=tree.songhe)


def test_case_rows_hold_what_the_cases_hold_in_list_order_and_read_one_query(
    cast, tree, mediator, count_queries
):
    report(tree.songhe, kind="domestic_violence", title="家暴求助")
    resolved(tree.wushan, mediator)
    report(tree.gangkou)  # another village: not in Songhe's list
    cases = case_list(user=cast.songhe_chair)
    rows = case_rows(case_page_values(cases.values("pk")))
    now = timezone.now()
    assert [r.pk for r in rows] == [c.pk for c in cases]
    for row, case in zip(rows, cases, strict=True):
        assert (row.number, row.title, row.kind, row.status) == (
            case.number,
            case.title,
            case.kind,
            case.status,
        )
        assert (row.org_name, row.due_at, row.warn_at) == (case.org.name, case.due_at, case.warn_at)
        assert row.assignee_name == (case.assignee.name if case.assignee else None)
        assert row.is_high_risk == case.is_high_risk
        assert case_clock(row, now) == case_clock(case, now)
    assert [r.is_high_risk for r in rows] == [False, True]  # newest first
    assert rows[0].assignee_name == mediator.name
    keys = case_list(user=cast.songhe_chair).values("pk")
    assert count_queries(lambda: case_rows(case_page_values(keys[:50]))) == 1


def test_the_case_list_is_ordered_as_an_index_reads_it(cast):
    """A page is read off the case_created index instead of sorting every visible case: the
    list's order and the index's fields must stay the same."""
    order = list(case_list(user=cast.songhe_chair).query.order_by)
    index = next(i for i in Case._meta.indexes if i.name == "case_created")
    assert order == list(index.fields) == ["-created_at", "-id"]


def test_emotional_disputes_found_and_resolved_in_the_period_are_counted_apart(
    cast, tree, mediator, clock
):
    clock(2026, 2, 20, 9, 0)
    found_before = report(tree.wushan, kind="dispute_emotional")  # found in February
    clock(2026, 3, 10, 9, 0)
    report(tree.wushan, kind="dispute_emotional")  # found in March, still open
    resolved(tree.wushan, mediator, kind="dispute_emotional")  # found and resolved in March
    resolved(tree.wushan, mediator, kind="dispute_emotional", outcome="not_resolved")
    found_before = services.case_accept(actor=None, case=found_before)
    found_before = services.case_dispatch(actor=None, case=found_before, assignee=mediator)
    found_before = services.case_start(actor=None, case=found_before)
    services.case_resolve(actor=None, case=found_before, outcome="oral_agreement")
    period = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
    figures = {f.key: f for f in case_figures(user=cast.township_cadre, org=tree.songhe, **period)}
    # 排查 3 (reported in March), 化解 2 (resolved in March, one of them found in February).
    assert (figures["emotional_found"].value, figures["emotional_resolved"].value) == (3, 2)
    for key in ("emotional_found", "emotional_resolved"):
        assert figures[key].url.startswith(f"/cases/?figure={key}&")
        q = figure_q(key=key, org=tree.songhe, **period)
        assert case_list(user=cast.township_cadre, ids_q=q).count() == figures[key].value
