"""The dashboard's block 走访、执委与微心愿: visits made in the period, executives seated now,
wishes collected and fulfilled in the period — each a count of the list its figure links to
(one aggregate query per figure, whatever the size of the subtree)."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.figures import Figure, figure_url
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.selectors import active_seats
from jinguo.visits.selectors import visit_list, wish_list

# Figures of the current state (not compared with another period).
SNAPSHOT = frozenset({"work.executives"})


def executives_count(*, user: User, org: OrgUnit) -> int:
    """People with a seat in `org`'s subtree now: the roster /people/executives/?org= lists."""
    seats = active_seats(user=user, org=org)
    return Person.objects.filter(pk__in=seats.values("person_id")).count()


def work_figures(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Figure]:
    period = {"org": org.pk, "start": start, "end": end}
    visits = visit_list(user=user, org=org, start=start, end=end).order_by().count()
    collected = wish_list(user=user, org=org, start=start, end=end).order_by().count()
    fulfilled = (
        wish_list(user=user, org=org, start=start, end=end, by="fulfilled").order_by().count()
    )
    return [
        Figure(
            "work.visits",
            _("入户走访"),
            visits,
            figure_url(reverse("visits:list"), **period),
            _("次"),
        ),
        Figure(
            "work.executives",
            _("执委"),
            executives_count(user=user, org=org),
            figure_url(reverse("people:executives"), org=org.pk),
            _("名"),
        ),
        Figure(
            "work.wishes_collected",
            _("收集微心愿"),
            collected,
            figure_url(reverse("visits:wishes"), **period),
            _("个"),
        ),
        Figure(
            "work.wishes_fulfilled",
            _("实现微心愿"),
            fulfilled,
            figure_url(reverse("visits:wishes"), by="fulfilled", **period),
            _("个"),
        ),
    ]
