"""Who may handle a case (承办人) or take part in it (参与执委): an executive holding a seat now
on the committee of the handling unit or below it — for a case at a grid, the committee is the
village's or community's above it (grids have none: 执委进网格) — or assigned to one of the
case's grids while seated anywhere. Never a resident without a seat, never a minor.

The one rule: the case forms' choices, the API and the services all ask here."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.cases.models import Case
from jinguo.households.models import GridAssignment
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.people.ages import is_under_age
from jinguo.people.models import Person
from jinguo.people.selectors import open_seats

NOT_A_HANDLER = gettext_lazy("只能选择承办组织（网格案件为其所在村、社区）的在任执委")


def committee_unit(org: OrgUnit) -> OrgUnit:
    """The unit whose executive committee serves `org`: itself, or for a grid or micro-grid
    the village or community above it."""
    unit = org
    while unit.kind in (Kind.GRID, Kind.MICRO_GRID) and unit.parent is not None:
        unit = unit.parent
    return unit


def _seated_in_scope(case: Case) -> QuerySet[Person]:
    committee = committee_unit(case.org)
    seated_here = open_seats(org=committee)
    on_grids = GridAssignment.objects.filter(case.org.subtree_q("grid__"), end_date__isnull=True)
    seated_anywhere = open_seats()
    return Person.objects.filter(
        Q(pk__in=seated_here.values("person_id"))
        | (
            Q(pk__in=on_grids.values("executive_id"))
            & Q(pk__in=seated_anywhere.values("person_id"))
        )
    )


def case_handler_choices(*, case: Case) -> QuerySet[Person]:
    """The executives who may handle or take part in `case`, by name. Birth dates are
    encrypted, so minors (a seat never goes to one: people.posts) are left out in Python
    over the candidates' ids and birth dates only."""
    candidates = _seated_in_scope(case)
    today = timezone.localdate()
    minors = [
        pk for pk, born in candidates.values_list("pk", "birth_date") if is_under_age(born, today)
    ]
    return candidates.exclude(pk__in=minors).order_by("name", "pk")


def case_handler_error(*, case: Case, person: Person) -> str | None:
    """Why `person` may not handle or take part in `case`, in Chinese; None when she may."""
    if is_under_age(person.birth_date):
        return _("未成年人不能承办或参与案件")
    if not _seated_in_scope(case).filter(pk=person.pk).exists():
        return str(NOT_A_HANDLER)
    return None
