"""Each kind of reminder: its rule, at its boundary, and who it reaches."""

import datetime as dt

from jinguo.accounts.models import User
from jinguo.cases.models import Case
from jinguo.reminders import readers
from jinguo.reminders.tests.builders import (
    AT,
    D,
    clocked,
    days,
    meeting_on,
    planned,
    round_due,
    task_due,
    wish_collected,
)


def _counts(found: readers.Reminders) -> dict[int, int]:
    return {uid: group.count for uid, group in found.items()}


def test_household_due_yesterday_reminds_its_responsible_executive_due_today_does_not(
    staff, tree, people
):
    late = planned(tree.wushan, "H1", due=days(-1), executive=people.wushan_exec)
    planned(tree.wushan, "H2", due=D, executive=people.wushan_exec)
    found = readers.overdue_households(day=D)
    assert _counts(found) == {staff.wushan_member.pk: 1}
    assert [r.pk for r in found[staff.wushan_member.pk].records] == [late.pk]


def test_household_without_a_plan_or_inactive_is_not_overdue(staff, tree, people):
    unplanned = planned(tree.wushan, "H1", due=days(-5), executive=people.wushan_exec)
    type(unplanned).objects.filter(pk=unplanned.pk).update(visit_interval_days=None)
    gone = planned(tree.wushan, "H2", due=days(-5), executive=people.wushan_exec)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    assert readers.overdue_households(day=D) == {}


def test_ended_assignment_reminds_nobody(staff, tree, people):
    h = planned(tree.wushan, "H1", due=days(-3), executive=people.wushan_exec)
    h.assignments.update(end_date=days(-1))
    assert readers.overdue_households(day=D) == {}


def test_overdue_households_counted_and_the_first_three_named_earliest_first(staff, tree, people):
    for n in range(5):
        planned(tree.wushan, f"H{n}", due=days(-1 - n), executive=people.wushan_exec)
    group = readers.overdue_households(day=D)[staff.wushan_member.pk]
    assert group.count == 5
    assert [r.label for r in group.records] == ["H4", "H3", "H2"]


def test_case_at_exactly_30_percent_left_warns_its_handler(staff, tree, people):
    at_limit = clocked(tree.songhe, left=0.3, assignee=people.wushan_exec)
    clocked(tree.songhe, left=0.31, assignee=people.wushan_exec)
    warning, overdue, supervised = readers.cases_flagged(day=D)
    assert at_limit.warn_at == AT
    assert [r.pk for r in warning[staff.wushan_member.pk].records] == [at_limit.pk]
    assert overdue == {} and supervised == {}


def test_overdue_case_reaches_its_handler_and_the_cadres_one_level_up(staff, tree, people):
    late = clocked(tree.songhe, left=-0.1, assignee=people.wushan_exec)
    warning, overdue, supervised = readers.cases_flagged(day=D)
    assert warning == {}
    assert _counts(overdue) == {staff.wushan_member.pk: 1}
    # 河沥溪街道 supervises 嵩合社区; the county and the community's own chair do not.
    assert _counts(supervised) == {staff.township_cadre.pk: 1}
    assert supervised[staff.township_cadre.pk].records[0].pk == late.pk


def test_unassigned_case_reminds_the_cadres_of_the_handling_unit(staff, tree):
    clocked(tree.songhe, left=0.1)
    warning, _overdue, _supervised = readers.cases_flagged(day=D)
    assert _counts(warning) == {staff.songhe_chair.pk: 1}


def test_closed_case_reminds_nobody(staff, tree, people):
    case = clocked(tree.songhe, left=-0.5, assignee=people.wushan_exec)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.RESOLVED)
    assert readers.cases_flagged(day=D) == ({}, {}, {})


def test_meeting_tomorrow_reminds_the_invited_the_day_after_does_not(staff, tree, people):
    tomorrow = meeting_on(tree.songhe, days(1), [people.wushan_exec, people.gangkou_exec])
    meeting_on(tree.songhe, days(2), [people.wushan_exec], title="一季一议事")
    found = readers.meetings_tomorrow(day=D)
    # 港红梅 has no account: nobody to reach.
    assert _counts(found) == {staff.wushan_member.pk: 1}
    assert found[staff.wushan_member.pk].records[0].pk == tomorrow.pk


def test_task_due_tomorrow_reminds_in_three_days_does_not(staff, tree):
    task_due(staff.township_cadre, days(1), org=tree.wushan, user=staff.wushan_member)
    task_due(staff.township_cadre, days(2), org=tree.wushan, user=staff.wushan_member)
    task_due(staff.township_cadre, days(3), org=tree.wushan, user=staff.wushan_member)
    assert _counts(readers.tasks_due(day=D)) == {staff.wushan_member.pk: 2}


def test_task_to_a_unit_reminds_its_cadres_and_grid_members_done_or_closed_does_not(staff, tree):
    task_due(staff.township_cadre, days(2), org=tree.songhe)
    done = task_due(staff.township_cadre, days(1), org=tree.songhe, title="已完成")
    done.status = "done"
    done.save()
    closed = task_due(staff.township_cadre, days(1), org=tree.songhe, title="已结束")
    closed.task.status = "closed"
    closed.task.save()
    assert _counts(readers.tasks_due(day=D)) == {staff.songhe_chair.pk: 1}


def test_round_due_reminds_units_that_have_not_answered_or_were_returned(staff, tree):
    round_due(staff.township_cadre, days(2), org=tree.songhe)
    round_due(staff.township_cadre, D, org=tree.wushan, status="returned")
    round_due(staff.township_cadre, days(1), org=tree.gangkou, status="submitted")
    round_due(staff.township_cadre, days(3), org=tree.songhe)
    found = readers.rounds_due(day=D)
    assert _counts(found) == {staff.songhe_chair.pk: 1, staff.wushan_member.pk: 1}


def test_wish_unclaimed_14_days_reminds_its_unit_13_days_does_not(staff, tree):
    old = wish_collected(tree.wushan, days(-14))
    wish_collected(tree.wushan, days(-13))
    claimed = wish_collected(tree.wushan, days(-30))
    type(claimed).objects.filter(pk=claimed.pk).update(status="claimed")
    found = readers.wishes_unclaimed(day=D)
    assert _counts(found) == {staff.wushan_member.pk: 1}
    assert found[staff.wushan_member.pk].records[0].pk == old.pk


def test_inactive_accounts_get_nothing(staff, tree, people):
    planned(tree.wushan, "H1", due=days(-1), executive=people.wushan_exec)
    User.objects.filter(pk=staff.wushan_member.pk).update(is_active=False)
    assert readers.overdue_households(day=D) == {}


def test_the_three_administrators_get_nothing_even_with_an_executive_behind(staff, tree, people):
    User.objects.filter(pk=staff.wushan_member.pk).update(person=None)
    staff.system_admin.person = people.wushan_exec
    staff.system_admin.save(update_fields=["person"])
    planned(tree.wushan, "H1", due=days(-1), executive=people.wushan_exec)
    clocked(tree.songhe, left=0.1, assignee=people.wushan_exec)
    meeting_on(tree.songhe, days(1), [people.wushan_exec])
    assert readers.overdue_households(day=D) == {}
    assert readers.cases_flagged(day=D) == ({}, {}, {})
    assert readers.meetings_tomorrow(day=D) == {}


def test_overdue_households_match_the_visits_to_do_of_her_own(staff, tree, people):
    """The same rule as the visits app: her reminders are the overdue rows of her to-do that
    are in her 包保."""
    from jinguo.visits.selectors import visit_overdue

    for n, due in enumerate([days(-40), days(-1), D, days(3)]):
        planned(tree.wushan, f"H{n}", due=due, executive=people.wushan_exec)
    planned(tree.wushan, "X", due=days(-9), executive=None)
    mine = visit_overdue(user=staff.wushan_member, today=D).filter(
        assignments__executive=people.wushan_exec, assignments__end_date__isnull=True
    )
    assert readers.overdue_households(day=D)[staff.wushan_member.pk].count == mine.count() == 2
    assert isinstance(D, dt.date)


def test_a_sensitive_case_is_named_by_its_number_only(staff, tree, people):
    case = clocked(tree.songhe, left=0.1, assignee=people.wushan_exec)
    Case.objects.filter(pk=case.pk).update(sensitive=True)
    warning, _overdue, _supervised = readers.cases_flagged(day=D)
    assert [r.label for r in warning[staff.wushan_member.pk].records] == [case.number]
