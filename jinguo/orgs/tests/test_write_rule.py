"""The one write rule (orgs.selectors.may_write_at) and the one venue rule (venue_usable_by),
and the apps whose own copies had drifted from them: the stricter, documented rule wins."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.employment import services as employment
from jinguo.meetings import services as meetings
from jinguo.orgs.models import Venue
from jinguo.orgs.selectors import (
    check_write_at,
    may_write_at,
    venue_usable_by,
    venues_usable_q,
)
from jinguo.trainings import services as trainings

pytestmark = pytest.mark.django_db


def test_a_writer_writes_at_her_unit_and_below_only(cast, tree):
    cadre, member = cast.songhe_chair, cast.wushan_member
    assert may_write_at(user=cadre, org=tree.songhe)
    assert may_write_at(user=cadre, org=tree.wushan)
    assert not may_write_at(user=cadre, org=tree.helixi)
    assert not may_write_at(user=cadre, org=tree.gangkou)
    assert may_write_at(user=member, org=tree.wushan)
    assert not may_write_at(user=member, org=tree.songhe)
    assert not may_write_at(user=member, org=tree.chengjiawan)


def test_a_leader_and_the_three_administrators_write_nowhere(cast, tree):
    for user in (cast.county_leader, cast.system_admin, cast.security_admin, cast.audit_admin):
        assert not may_write_at(user=user, org=tree.wushan)
        with pytest.raises(PermissionDenied):
            check_write_at(user=user, org=tree.wushan)


def test_a_disabled_account_writes_nowhere(cast, tree):
    cast.songhe_chair.is_active = False
    assert not may_write_at(user=cast.songhe_chair, org=tree.songhe)


def test_cadre_only_leaves_the_grid_member_out(cast, tree):
    assert not may_write_at(user=cast.wushan_member, org=tree.wushan, cadre_only=True)
    assert may_write_at(user=cast.songhe_chair, org=tree.wushan, cadre_only=True)


def test_the_system_itself_may_write_anywhere(tree):
    check_write_at(user=None, org=tree.dongmen)


@pytest.fixture
def venues(tree):
    def make(org, name, **extra):
        return Venue.objects.create(org=org, kind="women_home", name=name, **extra)

    return {
        "street": make(tree.helixi, "街道妇女之家"),
        "community": make(tree.songhe, "嵩合妇女之家"),
        "grid": make(tree.wushan, "巫山妇女微家"),
        "sibling": make(tree.gangkou, "港口妇女之家"),
        "closed": make(tree.songhe, "旧妇女之家", is_active=False),
    }


def test_a_venue_of_the_unit_an_ancestor_or_below_in_the_users_subtree(cast, tree, venues):
    township = cast.township_cadre
    for name in ("street", "community", "grid"):
        assert venue_usable_by(user=township, org=tree.songhe, venue=venues[name])
    assert not venue_usable_by(user=township, org=tree.songhe, venue=venues["sibling"])
    assert not venue_usable_by(user=township, org=tree.songhe, venue=venues["closed"])


def test_a_venue_above_the_users_own_unit_is_not_hers_to_use(cast, tree, venues):
    chair = cast.songhe_chair
    assert not venue_usable_by(user=chair, org=tree.songhe, venue=venues["street"])
    assert venue_usable_by(user=None, org=tree.songhe, venue=venues["street"])


def test_the_choices_offered_are_the_venues_the_rule_accepts(cast, tree, venues):
    for user in (cast.township_cadre, cast.songhe_chair):
        offered = set(Venue.objects.filter(venues_usable_q(user=user, org=tree.songhe)))
        usable = {
            v for v in venues.values() if venue_usable_by(user=user, org=tree.songhe, venue=v)
        }
        assert offered == usable


# --- the drifted copies: each app now refuses what the stricter rule refuses --------------------


def test_a_meeting_no_longer_takes_a_venue_above_the_chairs_unit(cast, tree, venues):
    with pytest.raises(ValidationError) as error:
        meetings.meeting_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            kind="women_council",
            title="议事会",
            planned_at=timezone.now() + dt.timedelta(days=3),
            place=venues["street"],
        )
    assert "place" in error.value.message_dict


def test_a_job_fair_no_longer_takes_a_venue_above_the_chairs_unit(cast, tree, venues):
    with pytest.raises(ValidationError) as error:
        employment.job_fair_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            title="招聘会",
            held_on=dt.date(2025, 8, 1),
            venue=venues["street"],
        )
    assert "venue" in error.value.message_dict


def test_a_job_fair_no_longer_takes_a_closed_venue(cast, tree, venues):
    with pytest.raises(ValidationError) as error:
        employment.job_fair_create(
            actor=cast.songhe_chair,
            org=tree.songhe,
            title="招聘会",
            held_on=dt.date(2025, 8, 1),
            venue=venues["closed"],
        )
    assert "venue" in error.value.message_dict


def test_a_training_session_no_longer_takes_a_venue_off_its_courses_line(cast, tree, venues):
    course = trainings.course_create(
        actor=cast.township_cadre,
        org=tree.songhe,
        title="家庭教育",
        topic="family_education",
        audience="executives",
        planned_hours=Decimal("2"),
    )
    with pytest.raises(ValidationError) as error:
        trainings.session_create(
            actor=cast.township_cadre,
            course=course,
            held_on=dt.date(2025, 8, 1),
            hours=Decimal("2"),
            venue=venues["sibling"],
        )
    assert "venue" in error.value.message_dict
    session = trainings.session_create(
        actor=cast.township_cadre,
        course=course,
        held_on=dt.date(2025, 8, 1),
        hours=Decimal("2"),
        venue=venues["street"],
    )
    assert session.venue == venues["street"]
