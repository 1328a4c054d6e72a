"""CachedCountPaginator: counts kept only when large, and pages read through their keys."""

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator

from jinguo.common import pagination
from jinguo.common.pagination import CachedCountPaginator
from jinguo.households.models import Household
from jinguo.households.tests.factories import household
from jinguo.people.models import Person


@pytest.fixture
def big(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CACHE_FROM", 2)
    yield
    cache.clear()


def test_a_large_count_is_kept_for_a_while_and_a_small_one_is_exact(tree, big):
    household(tree.wushan, "A-1")
    assert CachedCountPaginator(Household.objects.all(), 50).count == 1
    household(tree.wushan, "A-2")
    assert CachedCountPaginator(Household.objects.all(), 50).count == 2  # not kept below 2
    household(tree.wushan, "A-3")
    assert CachedCountPaginator(Household.objects.all(), 50).count == 2  # kept
    assert CachedCountPaginator(Household.objects.filter(grid=tree.wushan), 50).count == 3
    assert Paginator(Household.objects.all(), 50).count == 3


def test_counts_equal_djangos_for_joined_and_distinct_values(tree, count_queries):
    for number in ("B-1", "B-2"):  # two heads of one name
        household(tree.wushan, number, head=Person.objects.create(org=tree.wushan, name="王"))
    household(tree.wushan, "B-3")
    household(tree.gangkou_grid, "B-4")
    rows = [
        Household.objects.values_list("pk", "head__name", "grid__name"),  # joins
        Household.objects.filter(head__name="王").values_list("grid__name").distinct(),
        Household.objects.filter(grid=tree.wushan).values_list("pk", "living_grid__name"),
    ]
    for queryset in rows:
        assert CachedCountPaginator(queryset, 50).count == Paginator(queryset, 50).count
    assert count_queries(lambda: CachedCountPaginator(rows[0], 50).count) == 1


def test_a_query_that_cannot_match_counts_zero(tree):
    assert CachedCountPaginator(Household.objects.filter(pk__in=[]), 50).count == 0


def _numbers_of(keys):
    return list(Household.objects.filter(pk__in=keys).order_by("number").values_list("number"))


def test_pages_read_through_their_keys_hold_the_same_rows_in_order(tree):
    for i in range(7):
        household(tree.wushan, f"K-{i}")
    household(tree.gangkou_grid, "K-x")  # filtered out
    keys = Household.objects.filter(grid=tree.wushan).order_by("number").values("pk")
    paginator = CachedCountPaginator(keys, 3, rows=_numbers_of)
    pages = [[n for (n,) in paginator.page(i)] for i in paginator.page_range]
    assert paginator.count == 7
    assert pages == [["K-0", "K-1", "K-2"], ["K-3", "K-4", "K-5"], ["K-6"]]
    orphans = CachedCountPaginator(keys, 3, orphans=1, rows=_numbers_of)
    assert [n for (n,) in orphans.page(2)] == ["K-3", "K-4", "K-5", "K-6"]


def test_a_page_read_through_its_keys_is_one_query_and_an_empty_list_none_after_its_count(
    tree, count_queries
):
    household(tree.wushan, "K-1")
    keys = Household.objects.order_by("number").values("pk")
    paginator = CachedCountPaginator(keys, 50, rows=_numbers_of)
    assert paginator.count == 1
    assert count_queries(lambda: list(paginator.get_page(1))) == 1
    empty = CachedCountPaginator(keys.filter(number="none"), 50, rows=_numbers_of)
    assert empty.count == 0
    assert count_queries(lambda: list(empty.get_page(1))) == 0
