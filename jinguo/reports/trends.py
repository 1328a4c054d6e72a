"""The dashboard's monthly trends: visits, cases reported and activities held per month."""

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.activities.models import Activity
from jinguo.activities.selectors import activities_visible
from jinguo.cases import selectors as case_selectors
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q
from jinguo.reports import tallies
from jinguo.visits.models import Visit


def monthly_trends(*, user: User, org: OrgUnit, year: int) -> dict[str, list[int]]:
    """Visits, cases reported and activities held per month of `year` in org's subtree (three
    grouped queries), each a list of 12 counts."""
    visits = Visit.objects.filter(scope_q(user=user, field="org"), org.subtree_q("org__")).filter(
        visited_on__year=year
    )
    tallied = user.role != Role.GRID_MEMBER and tallies.tallies_fresh() is not None
    cases = case_selectors.cases_visible_in(user=user, org=org).filter(created_at__year=year)
    activities = activities_visible(user=user).filter(
        org.subtree_q("org__"), status=Activity.Status.HELD, starts_on__year=year
    )
    series = {
        "visits": visits.annotate(m=ExtractMonth("visited_on")),
        "cases": cases.annotate(m=ExtractMonth("created_at")),
        "activities": activities.annotate(m=ExtractMonth("starts_on")),
    }
    out: dict[str, list[int]] = {"visits": [], "cases": [], "activities": []}
    if tallied:  # ten million visits are summed from the monthly tallies
        out["visits"] = tallies.visit_months(org=org, year=year)
        del series["visits"]
    for name, qs in series.items():
        months = [0] * 12
        for m, n in qs.values_list("m").annotate(n=Count("id")).order_by():
            months[int(m) - 1] = n
        out[name] = months
    return out
