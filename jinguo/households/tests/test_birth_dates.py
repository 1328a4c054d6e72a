"""Issue 8: with birth dates encrypted the history still masks a minor who left the household,
deciding in Python what the database can no longer compare (households.selectors)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from jinguo.common import crypto
from jinguo.households.selectors import history_masks
from jinguo.households.services import resident_add, resident_remove
from jinguo.households.tests.factories import household, person
from jinguo.people.models import Person

pytestmark = pytest.mark.django_db


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def test_the_history_masks_a_minor_who_left_and_not_an_adult_who_left(tree, cast):
    h = household(tree.wushan, "WS-101", head=person(tree.wushan, "王秀英"))
    child = Person.objects.create(org=tree.wushan, name="王小明", birth_date=_years_ago(8))
    adult = Person.objects.create(org=tree.wushan, name="王大伟", birth_date=_years_ago(40))
    unknown = Person.objects.create(org=tree.wushan, name="王某某")
    for p in (child, adult, unknown):
        resident_add(actor=None, household=h, person=p, relation="child")
        resident_remove(actor=None, household=h, person=p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT birth_date FROM people_person WHERE id = %s", [child.pk])
        assert cursor.fetchone()[0].startswith(crypto.PREFIX)
    residents = list(h.residents.select_related("person"))
    masks = history_masks(user=cast.songhe_chair, household=h, residents=residents)
    assert masks["王小明"] == "王*"
    assert "王大伟" not in masks and "王某某" not in masks
    clear = history_masks(user=cast.wushan_member, household=h, residents=residents)
    assert "王小明" not in clear
