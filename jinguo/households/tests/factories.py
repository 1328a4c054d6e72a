"""Builders for household tests: everything goes through the services, like production."""

import datetime as dt

from jinguo.households.assignments import grid_assign
from jinguo.households.models import Category, Household
from jinguo.households.services import household_create, resident_add
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.people.names import pinyin_initials


def person(org: OrgUnit, name: str, *, id_tail: str = "") -> Person:
    return Person.objects.create(
        org=org, name=name, name_initials=pinyin_initials(name), id_tail=id_tail, gender="F"
    )


def executive(org: OrgUnit, name: str, *, grid: OrgUnit | None = None) -> Person:
    """A person with an open seat on `org`'s executive committee, assigned to `grid`."""
    p = person(org, name)
    ExecutiveSeat.objects.create(
        person=p, org=org, post=ExecutiveSeat.Post.MEMBER, term_start=dt.date(2024, 1, 1)
    )
    if grid is not None:
        grid_assign(actor=None, executive=p, grid=grid, start_date=dt.date(2024, 1, 1))
    return p


def household(grid: OrgUnit, number: str, *, head: Person | None = None, **kwargs) -> Household:
    h = household_create(actor=None, grid=grid, number=number, **kwargs)
    if head is not None:
        resident_add(actor=None, household=h, person=head, relation="head")
        h.refresh_from_db()
    return h


def category(code: str) -> Category:
    return Category.objects.get(code=code)
