"""The roster importer writes its history rows by hand, in bulk (imports.history): they must be
the rows households.services and people.services write for the same change — same action, same
actor, same old → new, and the same audit row. Each case makes one change twice from the same
starting point, once through the services and once by importing a roster, and compares the rows
both leave (their fields, not their ids or timestamps; encrypted birth dates decrypted)."""

from typing import Any

import pytest
from django.db import transaction

from jinguo.audit.models import AuditEvent
from jinguo.common import crypto
from jinguo.households import assignments
from jinguo.households import services as household_services
from jinguo.households.models import Category, Household, HouseholdChange, Resident
from jinguo.imports.tests.conftest import id_number, member, roster
from jinguo.people import services as people_services
from jinguo.people.models import Person, PersonChange

pytestmark = pytest.mark.django_db

HEAD_ID = id_number(seq=41)
SPOUSE_ID = id_number(seq=42, female=False)


class _Undo(Exception):
    """Raised to roll the services' changes back, so the import starts from the same point."""


def _clear(value: Any) -> Any:
    # A birth date is kept encrypted, with a new nonce each time: compare the date itself.
    if isinstance(value, dict):
        return {
            k: _clear(v) if k != "birth_date" or not v else crypto.decrypt(v)
            for k, v in value.items()
        }
    return value


def _changes(value: dict[str, Any]) -> dict[str, Any]:
    return {
        k: [crypto.decrypt(x) if k == "birth_date" and x else x for x in pair]
        for k, pair in value.items()
    }


def _rows(after: dict[str, int]) -> dict[str, list[tuple[Any, ...]]]:
    """The history and audit rows written since `after` (the highest ids before), as fields."""
    household_rows = HouseholdChange.objects.filter(pk__gt=after["household"]).order_by("pk")
    person_rows = PersonChange.objects.filter(pk__gt=after["person"]).order_by("pk")
    audit_rows = AuditEvent.objects.filter(
        pk__gt=after["audit"], target_type__in=["households.household", "people.person"]
    ).order_by("pk")
    return {
        "households": sorted(
            (c.household.number, c.actor_id, c.action, repr(c.old), repr(c.new))
            for c in household_rows
        ),
        "persons": sorted(
            (c.person.name, c.actor_id, c.action, repr(_clear(c.old)), repr(_clear(c.new)))
            for c in person_rows
        ),
        "audit": sorted(
            (
                a.actor_id,
                a.actor_username,
                a.action,
                a.target_type,
                a.target_repr,
                repr(_changes(a.changes)),
            )
            for a in audit_rows
        ),
    }


def _marks() -> dict[str, int]:
    def top(model: Any) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    return {
        "household": top(HouseholdChange),
        "person": top(PersonChange),
        "audit": top(AuditEvent),
    }


def _both(through_services, content, *, actor, org, run_import):
    """(rows the services leave, rows the import leaves, notes of the import's rows) for one
    change made from the same starting point."""
    marks = _marks()
    try:
        with transaction.atomic():
            through_services()
            by_services = _rows(marks)
            raise _Undo
    except _Undo:
        pass
    job = run_import(actor, org, content)
    assert job.status == "done", job.message
    by_import = _rows(marks)
    notes = set(
        HouseholdChange.objects.filter(pk__gt=marks["household"]).values_list("note", flat=True)
    )
    return by_services, by_import, notes


def _new_family(tree, grid_execs, cast, dibao):
    actor = cast.songhe_chair
    household = household_services.household_create(
        actor=actor, grid=tree.wushan, number="H041", address="巫山组41号"
    )
    head = people_services.person_create(
        actor=actor, org=tree.wushan, name="陈秀梅", id_number=HEAD_ID, phone="13800004141"
    )
    household_services.resident_add(
        actor=actor, household=household, person=head, relation=Resident.Relation.HEAD
    )
    household_services.household_set_categories(
        actor=actor, household=household, categories=[dibao]
    )
    assignments.household_assign(
        actor=actor, household=household, executive=grid_execs.wushan_exec, reason="导入：包保"
    )


def _family_file(tree, *, address="巫山组41号", phone="13800004141", spouse=False):
    rows = [
        member(
            "H041",
            tree.wushan.code,
            "陈秀梅",
            "户主",
            HEAD_ID,
            联系电话=phone,
            户籍地址=address,
            重点类别="低保",
            包保执委="汪秀兰",
        )
    ]
    if spouse:
        rows.append(member("H041", "", "刘强", "配偶", SPOUSE_ID))
    return roster(*rows)


@pytest.fixture
def dibao(db):
    return Category.objects.get(name="低保")


def test_a_new_household_leaves_the_rows_the_services_leave(
    cast, tree, grid_execs, run_import, dibao
):
    by_services, by_import, notes = _both(
        lambda: _new_family(tree, grid_execs, cast, dibao),
        _family_file(tree),
        actor=cast.songhe_chair,
        org=tree.songhe,
        run_import=run_import,
    )
    assert [row[2] for row in by_import["households"]] == sorted(
        ["create", "resident_add", "categories", "assign"]
    )
    assert [row[2] for row in by_import["persons"]] == ["person.create"]
    assert len(by_import["audit"]) == 5
    assert by_import == by_services
    # The same rows, marked as an import's (the services' callers give no note here).
    assert notes == {"导入", "导入：包保"}


def test_a_changed_household_field_a_new_member_and_a_changed_phone_leave_the_services_rows(
    cast, tree, grid_execs, run_import, dibao
):
    run_import(cast.songhe_chair, tree.songhe, _family_file(tree))
    household = Household.objects.get(number="H041")
    head = Person.objects.get(name="陈秀梅")
    actor = cast.songhe_chair

    def through_services():
        household_services.household_update(
            actor=actor,
            household=household,
            number=household.number,
            grid=household.grid,
            address="巫山组42号",
            note=household.note,
        )
        people_services.person_update(actor=actor, person=head, phone="13900004141")
        spouse = people_services.person_create(
            actor=actor, org=tree.wushan, name="刘强", id_number=SPOUSE_ID
        )
        household_services.resident_add(
            actor=actor, household=household, person=spouse, relation=Resident.Relation.SPOUSE
        )

    by_services, by_import, _notes = _both(
        through_services,
        _family_file(tree, address="巫山组42号", phone="13900004141", spouse=True),
        actor=actor,
        org=tree.songhe,
        run_import=run_import,
    )
    assert [row[2] for row in by_import["households"]] == ["resident_add", "update"]
    assert [row[2] for row in by_import["persons"]] == ["person.create", "person.update"]
    assert len(by_import["audit"]) == 4
    assert by_import == by_services


def test_a_family_living_in_another_grid_leaves_the_relocate_row(
    cast, tree, grid_execs, run_import, dibao
):
    run_import(cast.songhe_chair, tree.songhe, _family_file(tree))
    household = Household.objects.get(number="H041")
    actor = cast.songhe_chair

    def through_services():
        assignments.household_relocate(
            actor=actor,
            household=household,
            living_grid=tree.chengjiawan,
            living_address="程家湾8号",
        )

    content = roster(
        member(
            "H041",
            "",
            "陈秀梅",
            "户主",
            HEAD_ID,
            现居住网格=tree.chengjiawan.code,
            现住址="程家湾8号",
        )
    )
    by_services, by_import, _notes = _both(
        through_services, content, actor=actor, org=tree.songhe, run_import=run_import
    )
    assert [row[2] for row in by_import["households"]] == ["relocate"]
    assert by_import == by_services
