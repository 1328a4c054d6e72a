"""«获得积分的执委» counts executives only; residents who earned (volunteer) points are their
own figure, and each figure equals the list it links to."""

import datetime as dt

from jinguo.people.models import Person
from jinguo.people.selectors import executive_figures
from jinguo.points import selectors
from jinguo.points.tests.conftest import D, give


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_a_child_who_earned_volunteer_points_is_a_volunteer_not_an_executive(
    pts, tree, cast, people, login
):
    child = Person.objects.create(
        org=tree.wushan, name="小周", gender="F", birth_date=dt.date(2013, 5, 1)
    )
    for person in (people.wushan_exec, people.chengjiawan_exec, child):
        give(cast.songhe_chair, person, 3)
    figures = {
        f.key: f
        for f in selectors.points_figures(user=cast.songhe_chair, org=tree.songhe, start=D, end=D)
    }
    executives, volunteers = figures["points.executives"], figures["points.volunteers"]
    assert (executives.value, volunteers.value) == (2, 1)
    assert (
        executives.value <= executive_figures(user=cast.songhe_chair, org=tree.songhe).total.value
    )
    client = login(cast.songhe_chair)
    assert _listed(client, executives.url) == 2
    assert _listed(client, volunteers.url) == 1
    listed = client.get(volunteers.url).context["page"]
    assert [p.name for p in listed] == ["小周"]
