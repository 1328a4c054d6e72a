"""Issue 21, item 5: only executives holding a seat, in scope, handle or take part in a case;
a child never does."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jinguo.cases import services
from jinguo.cases.handlers import case_handler_choices, case_handler_error
from jinguo.cases.models import CaseParticipant
from jinguo.cases.tests.factories import report
from jinguo.households.assignments import grid_assign
from jinguo.households.tests.factories import executive, person
from jinguo.people.ages import is_under_age
from jinguo.people.models import ExecutiveSeat


@pytest.fixture
def scene(tree):
    class Scene:
        chair = executive(tree.songhe, "嵩合执委")
        on_grid = executive(tree.songhe, "进网格执委", grid=tree.wushan)
        elsewhere = executive(tree.gangkou, "港口执委")
        resident = person(tree.wushan, "居民甲")
        child = person(tree.wushan, "儿童乙")
        former = executive(tree.songhe, "离任执委")

    Scene.child.birth_date = timezone.localdate() - dt.timedelta(days=365 * 10)
    Scene.child.save(update_fields=["birth_date"])
    Scene.former.seats.update(ended_on=dt.date(2025, 6, 30))
    return Scene


def test_a_community_case_offers_the_communitys_serving_executives_only(tree, scene):
    choices = set(case_handler_choices(case=report(tree.songhe)))
    assert choices == {scene.chair, scene.on_grid}


def test_a_grid_case_offers_the_communitys_executives_not_the_grids_residents(tree, scene):
    choices = set(case_handler_choices(case=report(tree.wushan)))
    assert choices == {scene.chair, scene.on_grid}


def test_a_township_executive_assigned_to_the_grid_is_offered_for_its_cases(tree, scene):
    town = executive(tree.helixi, "街道执委", grid=tree.wushan)
    assert town in set(case_handler_choices(case=report(tree.wushan)))
    assert town not in set(case_handler_choices(case=report(tree.chengjiawan)))


def test_an_assigned_executive_without_a_seat_is_not_offered(tree, scene):
    unseated = person(tree.songhe, "无席位")
    grid_assign(actor=None, executive=unseated, grid=tree.wushan, start_date=dt.date(2025, 1, 1))
    assert unseated not in set(case_handler_choices(case=report(tree.wushan)))


def test_a_child_is_never_offered_even_with_a_seat(tree, scene):
    ExecutiveSeat.objects.create(
        person=scene.child, org=tree.songhe, post="member", term_start=dt.date(2024, 1, 1)
    )
    case = report(tree.songhe)
    assert scene.child not in set(case_handler_choices(case=case))
    assert case_handler_error(case=case, person=scene.child) == "未成年人不能承办或参与案件"


def test_dispatch_to_a_resident_is_refused_in_chinese(tree, scene):
    case = services.case_accept(actor=None, case=report(tree.songhe))
    with pytest.raises(ValidationError) as refused:
        services.case_dispatch(actor=None, case=case, assignee=scene.resident)
    assert "在任执委" in refused.value.message_dict["assignee"][0]
    case.refresh_from_db()
    assert case.assignee is None


def test_a_child_cannot_take_part_in_a_case(tree, scene):
    case = report(tree.wushan)
    with pytest.raises(ValidationError) as refused:
        services.case_add_participant(
            actor=None, case=case, person=scene.child, role=CaseParticipant.Role.ASSISTANT
        )
    assert refused.value.message_dict["person"] == ["未成年人不能承办或参与案件"]
    assert not CaseParticipant.objects.filter(case=case).exists()


def test_another_villages_executive_cannot_handle_a_songhe_case(tree, scene):
    case = services.case_accept(actor=None, case=report(tree.songhe))
    with pytest.raises(ValidationError):
        services.case_dispatch(actor=None, case=case, assignee=scene.elsewhere)


def test_age_counts_full_years_to_the_day():
    born = dt.date(2008, 12, 7)
    assert is_under_age(born, dt.date(2026, 12, 6))
    assert not is_under_age(born, dt.date(2026, 12, 7))
    assert not is_under_age(None)
