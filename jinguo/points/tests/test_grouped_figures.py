"""The points figures of many units read together take a number of queries that depends on the
units' levels, not on how many units there are (each unit's figures equal its own dashboard's:
jinguo/reports/tests/test_grouped.py)."""

import pytest

from jinguo.points.selectors import points_figures_grouped
from jinguo.reports.tests.grouped_queries import assert_queries_do_not_grow_with_the_units

pytestmark = pytest.mark.django_db


def test_the_whole_countys_figures_take_the_queries_of_one_unit_per_level():
    assert_queries_do_not_grow_with_the_units(points_figures_grouped)
