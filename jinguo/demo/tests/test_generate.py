"""`jinguo generate --scale town`: valid rows the app reads, counted exactly, scoped."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Case, CaseTransition
from jinguo.cases.selectors import case_figures
from jinguo.demo.generate.run import generate
from jinguo.households.coverage import coverage_counts
from jinguo.households.ledger import household_list
from jinguo.households.models import (
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
)
from jinguo.households.scope import households_visible
from jinguo.orgs import tree
from jinguo.orgs.codes import code_errors
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.services import org_create
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.visits.models import Visit
from jinguo.visits.selectors import visit_todo

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    # Foreign-key triggers on: PostgreSQL checks every reference (at the test's teardown).
    return generate("town", seed=7, fast=False)


def test_generate_town_writes_exactly_the_counted_rows(town):
    c = town.counts
    assert OrgUnit.objects.count() == sum(v for k, v in c.items() if k.startswith("orgs."))
    assert OrgUnit.objects.filter(kind="grid").count() == c["orgs.grid"] == 8
    assert Person.objects.count() == c["persons"]
    assert Resident.objects.count() == c["residents"]
    assert Person.objects.count() == c["residents"] + c["executives"]
    assert Household.objects.count() == c["households"] == 40
    assert HouseholdAssignment.objects.count() == c["household_assignments"] == 40
    assert HouseholdCategory.objects.count() == c["household_categories"]
    assert ExecutiveSeat.objects.count() == c["seats"]
    assert GridAssignment.objects.count() == c["grid_assignments"]
    assert Visit.objects.count() == c["visits"] > 0
    assert Case.objects.count() == c["cases"] > 0
    assert CaseTransition.objects.count() == c["case_transitions"]
    assert User.objects.count() == c["users"]
    assert all(stat.rows >= 0 for stat in town.stats.values())


def test_generated_codes_and_paths_are_what_the_app_accepts(town):
    units = {u.pk: u for u in OrgUnit.objects.select_related("parent")}
    for unit in units.values():
        parent = unit.parent
        assert unit.path == tree.child_path(parent.path if parent else "", unit.pk)
        errors = code_errors(
            kind=unit.kind,
            code=unit.code,
            parent_kind=parent.kind if parent else None,
            parent_code=parent.code if parent else "",
        )
        assert errors == [], (unit.name, unit.code, errors)
    grids = OrgUnit.objects.filter(kind="grid").select_related("parent")
    assert all(len(g.code) == 15 for g in grids)
    assert {g.parent.kind for g in grids if g.parent} == {"village", "community"}


def test_new_rows_get_fresh_ids_after_generating(town):
    city = OrgUnit.objects.get(kind="city")
    county = org_create(actor=None, parent=city, name="新增县", kind="county", code="341899000000")
    assert county.pk > max(OrgUnit.objects.exclude(pk=county.pk).values_list("pk", flat=True))
    assert county.path == city.path + tree.segment(county.pk)


def test_every_household_has_a_head_resident_and_one_open_responsible_executive(town):
    for household in Household.objects.prefetch_related("residents", "assignments"):
        assert household.head_id in {r.person_id for r in household.residents.all()}
        open_rows = [a for a in household.assignments.all() if a.end_date is None]
        assert len(open_rows) == 1
    today = timezone.localdate()
    assert not Visit.objects.filter(visited_on__gt=today).exists()
    assert not Visit.objects.filter(visited_on__lt=today - dt.timedelta(days=366)).exists()


def test_generated_village_chair_sees_only_her_village(town):
    chair = User.objects.get(username="village_chair")
    village = chair.org
    assert village is not None
    mine = Household.objects.filter(village.subtree_q("grid__"))
    assert 0 < mine.count() < Household.objects.count()
    assert set(households_visible(user=chair).values_list("pk", flat=True)) == set(
        mine.values_list("pk", flat=True)
    )
    assert household_list(user=chair).count() == mine.count()
    other = Household.objects.exclude(village.subtree_q("grid__")).first()
    assert other is not None
    assert not households_visible(user=chair).filter(pk=other.pk).exists()


def test_existing_selectors_work_on_generated_data(town):
    cadre = User.objects.get(username="city_cadre")
    city = cadre.org
    assert city is not None
    coverage = coverage_counts(user=cadre, org=city)
    assert coverage.total.households == town.counts["households"]
    assert coverage.total.unassigned == 0
    assert sum(counts.households for _child, counts in coverage.children) == 40
    planned = Household.objects.filter(category_links__isnull=False).distinct().count()
    assert visit_todo(user=cadre).count() <= planned
    today = timezone.localdate()
    figures = case_figures(user=cadre, org=city, start=today - dt.timedelta(days=400), end=today)
    disputes = next(f for f in figures if f.key == "disputes")
    handled = Case.objects.filter(status="resolved").exclude(kind="request").count()
    assert disputes.value == handled


def test_generated_grid_member_sees_her_grid_households(town):
    member = User.objects.get(username="grid_member")
    assert member.role == "grid_member" and member.person_id
    assert set(households_visible(user=member).values_list("grid_id", flat=True)) == {member.org_id}


def test_generate_refuses_a_database_that_is_not_empty(town):
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("generate", scale="town", stdout=StringIO())


def test_generate_command_prints_timing_per_table():
    out = StringIO()
    call_command("generate", scale="town", stdout=out)
    text = out.getvalue()
    assert "visits_visit" in text and "rows/s" in text and "已生成" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's VACUUM")
@pytest.mark.django_db(transaction=True)
def test_generated_tables_are_vacuumed_and_analysed_once_committed():
    generate("town", seed=7)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables"
            " WHERE relname = 'households_household'"
        )
        assert cursor.fetchone() == (True, True)
