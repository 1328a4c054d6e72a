import datetime as dt
from decimal import Decimal

from jinguo.people.models import Person
from jinguo.trainings import selectors, services
from jinguo.trainings.tests.conftest import END, START, session


def by_name(coverage) -> dict:
    return {child.name: counts for child, counts in coverage.children}


def test_the_townships_coverage_matches_the_hand_computed_plan(plan, cast, tree):
    total = selectors.training_coverage(
        user=cast.township_cadre, org=tree.helixi, start=START, end=END
    ).total
    assert (total.sessions, total.hours) == (3, Decimal("6.5"))
    assert (total.person_times, total.trainees, total.trainee_hours) == (5, 3, Decimal("10"))
    assert (total.executives, total.executives_trained) == (3, 2)
    assert total.executives_trained_pct == 66.7


def test_the_coverage_is_broken_down_by_child_unit(plan, cast, tree):
    children = by_name(
        selectors.training_coverage(user=cast.township_cadre, org=tree.helixi, start=START, end=END)
    )
    assert list(children) == ["嵩合社区", "港口村"]
    songhe, gangkou = children["嵩合社区"], children["港口村"]
    # B1 (1.5 hours) is Songhe's only session, attended by two.
    assert (songhe.sessions, songhe.hours, songhe.person_times, songhe.trainees) == (
        1,
        Decimal("1.5"),
        2,
        2,
    )
    assert (songhe.trainee_hours, songhe.executives, songhe.executives_trained) == (
        Decimal("3"),
        2,
        1,
    )
    # Gangkou holds no session: no person-times either, though her executive was trained.
    assert (gangkou.sessions, gangkou.hours, gangkou.person_times, gangkou.trainees) == (
        0,
        Decimal("0"),
        0,
        0,
    )
    assert (gangkou.executives, gangkou.executives_trained) == (1, 1)


def test_the_period_limits_what_is_counted(plan, cast, tree):
    total = selectors.training_coverage(
        user=cast.township_cadre, org=tree.helixi, start=dt.date(2024, 1, 1), end=END
    ).total
    assert (total.sessions, total.person_times, total.trainees) == (4, 6, 3)


def test_no_sessions_held_means_no_person_times(plan, cast, tree):
    total = selectors.training_coverage(
        user=cast.gangkou_chair, org=tree.gangkou, start=START, end=END
    ).total
    assert (total.sessions, total.person_times, total.trainees) == (0, 0, 0)
    assert total.executives_trained == 1  # her executive attended the township's sessions


def test_person_times_are_the_sum_over_the_counted_sessions(plan, cast, tree):
    for user, org in [
        (cast.township_cadre, tree.helixi),
        (cast.songhe_chair, tree.songhe),
        (cast.gangkou_chair, tree.gangkou),
    ]:
        coverage = selectors.training_coverage(user=user, org=org, start=START, end=END)
        sessions = selectors.session_list(user=user, org=org, start=START, end=END, status="held")
        assert coverage.total.sessions == sessions.count(), org.name
        times = sum(s.person_times for s in sessions)
        assert coverage.total.person_times == times, org.name
        for child, counts in coverage.children:
            held = selectors.session_list(user=user, org=child, start=START, end=END, status="held")
            assert counts.sessions == held.count(), child.name
            held_times = sum(s.person_times for s in held)
            assert counts.person_times == held_times, child.name


def test_the_untrained_list_names_the_executive_who_missed_every_session(plan, cast, tree, people):
    untrained = selectors.untrained_executives(
        user=cast.township_cadre, org=tree.helixi, start=START, end=END
    )
    assert list(untrained) == [people.chengjiawan_exec]


def test_courses_are_visible_where_the_scope_contains_the_courses_org(plan, cast):
    def titles(user) -> set[str]:
        return {c.title for c in selectors.course_list(user=user)}

    assert titles(cast.township_cadre) == {"执委履职能力培训", "家庭教育指导", "矛盾纠纷调解"}
    assert titles(cast.songhe_chair) == {"家庭教育指导"}
    assert titles(cast.gangkou_chair) == {"矛盾纠纷调解"}
    assert titles(cast.langxi_cadre) == set()
    assert titles(cast.system_admin) == set()


def test_the_course_list_counts_held_sessions_and_enrolments(plan, cast):
    row = selectors.course_list(user=cast.township_cadre).get(pk=plan.a.pk)
    assert (row.held_count, row.enrolled_count) == (2, 3)


def test_a_person_record_lists_the_sessions_she_attended(plan, people):
    rows = list(selectors.person_training_record(person=people.wushan_exec))
    assert [r.session for r in rows] == [plan.a2, plan.b1, plan.a1]
    assert sum(r.session.hours for r in rows) == Decimal("6.5")


def test_the_tick_rows_show_each_enrolled_person_with_her_tick(plan, people):
    ticks = selectors.session_tick_rows(session=plan.a1)
    rows = {r.person_id: r.attended for r in ticks}
    assert rows == {
        people.wushan_exec.pk: True,
        people.chengjiawan_exec.pk: False,
        people.gangkou_exec.pk: True,
    }


def test_lists_run_the_same_number_of_queries_at_n_and_3n(plan, cast, tree, count_queries):
    user = cast.township_cadre

    def grow(n: int) -> None:
        trainees = [
            Person.objects.create(org=tree.gangkou, name=f"学员{n}-{i}", gender="F")
            for i in range(n)
        ]
        services.course_enrol(actor=user, course=plan.a, people=trainees)
        for i in range(n):
            s = session(user, plan.a, dt.date(2025, 9, 1) + dt.timedelta(days=n + i), "2")
            services.session_record_attendance(actor=user, session=s, attended=trainees)

    def run() -> None:
        for s in selectors.session_list(user=user, org=tree.helixi):
            _ = (s.course.org.name, s.where, s.person_times)
        for a in selectors.attendance_list(user=user, org=tree.helixi):
            _ = (a.person.org.name, a.session.course.title)
        for c in selectors.course_list(user=user):
            _ = (c.org.name, c.held_count)
        for e in selectors.session_tick_rows(session=plan.a1):
            _ = (e.person.org.name, e.attended)
        list(selectors.trainee_list(user=user, org=tree.helixi))
        selectors.training_coverage(user=user, org=tree.helixi, start=START, end=END)

    grow(2)
    small = count_queries(run)
    grow(6)
    assert count_queries(run) == small


def test_the_figures_are_the_coverage_totals(plan, cast, tree):
    figures = {
        f.key: f.value
        for f in selectors.trainings_figures(
            user=cast.township_cadre, org=tree.helixi, start=START, end=END
        )
    }
    assert figures == {
        "trainings.sessions": 3,
        "trainings.person_times": 5,
        "trainings.trainees": 3,
        "trainings.hours": 6.5,
        "trainings.trainee_hours": 10.0,
        "trainings.executives_trained": 66.7,
    }
