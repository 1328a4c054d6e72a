"""cases.home: the cases waiting on a user, the same rows on her home page and behind the case
list's ?todo= link."""

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.cases import services
from jinguo.cases.home import case_todo_q, home_cases
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import report, resolved

pytestmark = pytest.mark.django_db


def _keys(user) -> dict[str, list[int]]:
    return {g.key: [row.pk for row in g.rows] for g in home_cases(user=user)}


def test_a_cadre_verifies_the_resolved_cases_of_her_own_unit(tree, cast, people):
    case = resolved(tree.songhe, people.wushan_exec)
    assert case.pk in _keys(cast.songhe_chair)["verify"]
    assert Case.objects.filter(case_todo_q(user=cast.gangkou_chair, key="verify")).count() == 0


def test_the_unit_above_supervises_an_overdue_case(tree, cast):
    case = services.case_accept(actor=None, case=report(tree.songhe))
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    assert _keys(cast.township_cadre)["supervise"] == [case.pk]
    assert _keys(cast.songhe_chair)["supervise"] == []


def test_a_grid_member_has_only_the_cases_she_handles(tree, cast, people):
    report(tree.wushan)
    assert list(_keys(cast.wushan_member)) == ["mine"]


def test_an_unknown_key_selects_nothing(cast):
    assert not Case.objects.filter(case_todo_q(user=cast.songhe_chair, key="nope")).exists()
