"""The Songhe figures, computed from the records: nine executives, three 两委 cadres and six
group leaders; six with college education or above and three with high school; four party
members."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from jinguo.people.posts import seat_end
from jinguo.people.selectors import executive_figures
from jinguo.people.tests.factories import build_songhe, make_executive


@pytest.fixture
def songhe(tree):
    songhe = build_songhe(tree)
    # Neither a former executive nor the neighbouring village's count.
    former = make_executive(tree.songhe, "离任者", education="college", party_member=True)
    seat_end(actor=None, seat=former.seats.get(), ended_on=dt.date(2024, 1, 1), reason="换届")
    make_executive(tree.gangkou, "港红梅", education="college", party_member=True)
    return songhe


def test_songhe_figures_are_exactly_the_published_ones(tree, cast, songhe):
    figures = executive_figures(user=cast.songhe_chair, org=tree.songhe).as_dict()
    assert figures == {
        "total": 9,
        "post": {"chair": 1, "vice_chair": 1, "staff": 0, "member": 7},
        "education": {"college_plus": 6, "senior": 3, "junior_below": 0, "unknown": 0},
        "party_members": 4,
        "concurrent": {
            "two_committees": 3,
            "group_leader": 6,
            "grid_head": 0,
            "grid_worker": 0,
            "any": 9,
        },
    }


def test_the_street_sees_songhe_and_gangkou_together(tree, cast, songhe):
    figures = executive_figures(user=cast.township_cadre, org=tree.helixi).as_dict()
    assert figures["total"] == 10 and figures["party_members"] == 5


def test_every_figure_links_to_a_roster_of_exactly_that_many_people(tree, cast, login, songhe):
    client = login(cast.songhe_chair)
    page = client.get(reverse("people:executives"), {"org": tree.songhe.pk})
    figures = page.context["figures"]
    links = [figures["total"], *(fig for _label, group in figures["groups"] for fig in group)]
    assert len(links) == 1 + 4 + 4 + 1 + 5
    for link in links:
        url = urlparse(link["url"])
        assert url.path == reverse("people:executives")
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert params["org"] == str(tree.songhe.pk)
        roster = client.get(url.path, params)
        assert roster.context["people_count"] == link["value"], link
    html = page.content.decode()
    assert "education=college_plus" in html and "concurrent=group_leader" in html
    assert "party=1" in html and "post=chair" in html
