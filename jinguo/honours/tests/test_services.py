import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinguo.audit.models import AuditEvent
from jinguo.honours import services
from jinguo.honours.models import HonourChange


def test_nominating_a_family_writes_a_change_row_and_an_audit_row(family, cast):
    assert family.status == "nominated" and family.nominated_by == cast.songhe_chair
    change = HonourChange.objects.get(family_honour=family)
    assert (change.action, change.from_status, change.to_status) == ("nominate", "", "nominated")
    assert AuditEvent.objects.filter(action="honours.nominate", target_id=str(family.pk)).exists()


def test_a_family_nominated_from_a_household_lives_at_its_grid(cast, tree, household):
    honour = services.family_honour_nominate(
        actor=cast.songhe_chair,
        org=tree.songhe,
        household=household,
        family_name="程家",
        title="five_good",
        level="county",
        year=2026,
    )
    assert honour.org == tree.wushan and honour.household == household


def test_a_characteristic_family_needs_a_theme(cast, tree):
    with pytest.raises(ValidationError) as err:
        services.family_honour_nominate(
            actor=cast.songhe_chair,
            org=tree.songhe,
            family_name="书香之家",
            title="characteristic",
            level="village",
            year=2026,
        )
    assert "theme" in err.value.message_dict


def test_a_family_lives_at_a_village_or_a_grid_not_a_township(cast, tree):
    with pytest.raises(ValidationError) as err:
        services.family_honour_nominate(
            actor=cast.township_cadre,
            org=tree.helixi,
            family_name="某家庭",
            title="model",
            level="township",
            year=2026,
        )
    assert "org" in err.value.message_dict


def test_a_village_chair_cannot_nominate_in_another_village(cast, tree):
    with pytest.raises(PermissionDenied):
        services.family_honour_nominate(
            actor=cast.gangkou_chair,
            org=tree.songhe,
            family_name="某家庭",
            title="model",
            level="village",
            year=2026,
        )


def test_approving_sets_the_award_date_and_records_the_change(family, cast):
    honour = services.honour_approve(
        actor=cast.songhe_chair, honour=family, awarded_on=dt.date(2026, 3, 8)
    )
    assert honour.status == "approved" and honour.awarded_on == dt.date(2026, 3, 8)
    assert list(honour.changes.values_list("action", flat=True)) == ["nominate", "approve"]
    event = AuditEvent.objects.get(action="honours.approve")
    assert event.changes["status"] == ["nominated", "approved"]


def test_the_approval_level_rule_compares_territorial_levels(individual, cast):
    """A county-level honour needs a decider whose org level is ≤ 2 (county 2, city 1): the
    village chair (4) and the township cadre (3) are refused, the county cadre may approve."""
    for actor in (cast.songhe_chair, cast.township_cadre):
        assert services.may_decide(actor=actor, honour=individual) is False
        with pytest.raises(ValidationError):
            services.honour_approve(actor=actor, honour=individual)
    assert services.may_decide(actor=cast.city_cadre, honour=individual) is True
    approved = services.honour_approve(actor=cast.county_cadre, honour=individual)
    assert approved.status == "approved"


def test_a_grid_member_cannot_approve_a_village_honour(family, cast):
    """A grid (level 5) sits below a village-level honour (4)."""
    assert services.may_decide(actor=cast.wushan_member, honour=family) is False
    assert services.may_decide(actor=cast.songhe_chair, honour=family) is True


def test_national_honours_are_recorded_by_the_city(cast, people):
    """Province and national honours are awarded above the product's top; the city records."""
    honour = services.individual_honour_nominate(
        actor=cast.songhe_chair,
        person=people.wushan_exec,
        title="march8_red_flag",
        level="national",
        year=2026,
    )
    assert services.may_decide(actor=cast.county_cadre, honour=honour) is False
    assert services.may_decide(actor=cast.city_cadre, honour=honour) is True


def test_a_cadre_of_another_county_cannot_decide(family, cast):
    with pytest.raises(PermissionDenied):
        services.honour_approve(actor=cast.langxi_cadre, honour=family)


def test_a_leader_cannot_decide(family, cast):
    with pytest.raises(PermissionDenied):
        services.honour_approve(actor=cast.county_leader, honour=family)


def test_rejecting_needs_a_reason_and_is_final(family, cast):
    with pytest.raises(ValidationError):
        services.honour_reject(actor=cast.songhe_chair, honour=family, reason=" ")
    rejected = services.honour_reject(actor=cast.songhe_chair, honour=family, reason="材料不全")
    assert rejected.status == "rejected" and rejected.reason == "材料不全"
    with pytest.raises(ValidationError):
        services.honour_approve(actor=cast.songhe_chair, honour=rejected)


def test_only_an_approved_honour_can_be_revoked(family, cast):
    with pytest.raises(ValidationError):
        services.honour_revoke(actor=cast.songhe_chair, honour=family, reason="失实")
    services.honour_approve(actor=cast.songhe_chair, honour=family)
    revoked = services.honour_revoke(actor=cast.songhe_chair, honour=family, reason="事迹失实")
    assert revoked.status == "revoked"
    assert [c.to_status for c in revoked.changes.all()] == ["nominated", "approved", "revoked"]


def test_an_other_title_needs_its_name(cast, people):
    with pytest.raises(ValidationError) as err:
        services.individual_honour_nominate(
            actor=cast.songhe_chair,
            person=people.wushan_exec,
            title="other",
            level="village",
            year=2026,
        )
    assert "other_title" in err.value.message_dict
