"""Issue 8: which household holds which key category is stored as a keyed token (households.
tokens), so neither the link table, nor the household history, nor a dump of them names 低保."""

import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from jinguo.common import crypto
from jinguo.households.ledger import household_list
from jinguo.households.models import (
    Category,
    Household,
    HouseholdCategory,
    HouseholdChange,
    held_categories,
    holding,
)
from jinguo.households.services import household_set_categories
from jinguo.households.tests.factories import category, household
from jinguo.households.tokens import category_token, token_case

pytestmark = pytest.mark.django_db


def raw_rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def link_columns() -> list[str]:
    with connection.cursor() as cursor:
        table = HouseholdCategory._meta.db_table
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


@pytest.fixture
def dibao_family(ledger):
    household_set_categories(actor=None, household=ledger.h1, categories=[category("dibao")])
    return ledger


def test_the_link_table_holds_a_token_and_no_category_id(dibao_family):
    assert "category_id" not in link_columns()
    table = HouseholdCategory._meta.db_table
    [(token,)] = raw_rows(f"SELECT token FROM {table} WHERE household_id = {dibao_family.h1.pk}")  # noqa: S608
    dibao = category("dibao")
    assert token == category_token(dibao.pk)
    assert str(dibao.pk) != token and "dibao" not in token and len(token) == 40


def test_a_token_is_a_keyed_hash_not_a_plain_one(ledger):
    dibao = category("dibao")
    plain = hashlib.sha256(f"household-category:{dibao.pk}".encode()).hexdigest()
    assert category_token(dibao.pk) != plain[:40]
    assert category_token(dibao.pk) == crypto.blind_index(f"household-category:{dibao.pk}")


def test_the_history_stored_in_the_database_does_not_name_the_category(dibao_family):
    household_set_categories(
        actor=None, household=dibao_family.h1, categories=[category("disabled")]
    )
    table = HouseholdChange._meta.db_table
    stored = raw_rows(f"SELECT old, new FROM {table} WHERE household_id = {dibao_family.h1.pk}")  # noqa: S608
    dump = json.dumps([list(map(str, row)) for row in stored], ensure_ascii=False)
    assert "categories" in dump
    assert "低保" not in dump and "残疾" not in dump
    assert category_token(category("dibao").pk) in dump


def test_the_history_page_still_shows_the_names_to_the_grid_member(dibao_family, cast, login):
    household_set_categories(
        actor=None, household=dibao_family.h1, categories=[category("elderly_alone")]
    )
    url = reverse("households:detail", args=[dibao_family.h1.pk])
    member_page = login(cast.wushan_member).get(url).content.decode()
    assert "低保" in member_page and "独居老人" in member_page
    cadre_page = login(cast.township_cadre).get(url).content.decode()
    assert "低保" not in cadre_page and "敏感类别" in cadre_page and "独居老人" in cadre_page


def test_the_ledger_filters_by_category_through_the_token(dibao_family, cast):
    rows = household_list(user=cast.songhe_chair, category=category("dibao"))
    assert [h.number for h in rows] == ["WS-001", "WS-002"]
    assert not household_list(user=cast.songhe_chair, category=category("disabled")).exists()


def test_holding_and_token_case_agree_with_what_is_held(dibao_family):
    dibao = category("dibao")
    held = Household.objects.filter(holding(dibao.pk)).order_by("number")
    assert list(held.values_list("number", flat=True)) == ["WS-001", "WS-002"]
    values = HouseholdCategory.objects.annotate(c=token_case({dibao.pk: 7})).values_list(
        "c", flat=True
    )
    assert list(values) == [7, 7]
    assert held_categories([dibao_family.h1.pk, dibao_family.h3.pk]) == {
        dibao_family.h1.pk: [dibao],
        dibao_family.h3.pk: [],
    }


def test_a_token_of_no_known_category_is_left_out_not_an_error(dibao_family):
    HouseholdCategory.objects.create(household=dibao_family.h1, token="0" * 40)
    assert held_categories([dibao_family.h1.pk])[dibao_family.h1.pk] == [category("dibao")]


def test_the_list_loads_categories_for_a_whole_page_in_two_queries(
    dibao_family, cast, count_queries
):
    def run():
        page = list(household_list(user=cast.township_cadre)[:50])
        assert [c.code for h in page for c in h.held_categories] == ["dibao", "dibao"]

    few = count_queries(run)
    for i in range(5):
        h = household(dibao_family.h1.grid, f"T{i:03d}")
        household_set_categories(actor=None, household=h, categories=[category("disabled")])

    def run_more():
        page = list(household_list(user=cast.township_cadre)[:50])
        assert sum(len(h.held_categories) for h in page) == 7

    assert count_queries(run_more) == few


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_ids_and_named_history_into_tokens(tree, default_categories):
    """Data written before households/0006 (category ids on the links, names and ids in the
    history) reads the same after it, and no id or name of a category is left."""
    before = [("households", "0005_category_sensitive")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before[0]).apps
        grid_id = tree.wushan.pk
        home = old.get_model("households", "Household").objects.create(
            number="OLD-1", grid_id=grid_id
        )
        dibao = old.get_model("households", "Category").objects.get(code="dibao")
        disabled = old.get_model("households", "Category").objects.get(code="disabled")
        old.get_model("households", "HouseholdCategory").objects.create(
            household=home, category=dibao
        )
        change = old.get_model("households", "HouseholdChange")
        change.objects.create(
            household=home,
            action="categories",
            old={"categories": []},
            new={"categories": ["低保"]},
        )
        change.objects.create(
            household=home,
            action="import",
            old={"categories": [dibao.pk]},
            new={"categories": [dibao.pk, disabled.pk]},
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    h = Household.objects.get(number="OLD-1")
    assert held_categories([h.pk])[h.pk] == [Category.objects.get(code="dibao")]
    histories = list(HouseholdChange.objects.filter(household=h).order_by("pk"))
    dibao_token = category_token(dibao.pk)
    assert histories[0].new == {"categories": [dibao_token]}
    assert histories[1].new == {"categories": [dibao_token, category_token(disabled.pk)]}
