"""`{% round_reviews user %}` on the home page: the rounds her unit issued with submissions to
review; a leader reads them without the review button."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.rounds import services
from jinguo.rounds.models import Round
from jinguo.rounds.selectors import rounds_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(tree, cast) -> Round:
    today = timezone.localdate()
    r = services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="2026年工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=7),
        targets=[tree.songhe, tree.gangkou],
    )
    target = r.targets.get(org=tree.songhe)
    services.target_submit(actor=cast.songhe_chair, target=target, texts={}, answers=[])
    return r


def test_the_issuing_unit_has_one_submission_to_review(submitted, cast):
    rounds = rounds_to_review(user=cast.township_cadre)
    assert [(r.pk, vars(r)["waiting"]) for r in rounds] == [(submitted.pk, 1)]


def test_a_unit_that_did_not_issue_the_round_reviews_nothing(submitted, cast):
    assert not rounds_to_review(user=cast.songhe_chair).exists()
    assert not rounds_to_review(user=cast.county_cadre).exists()


def test_the_cadres_home_links_the_round_to_review_with_a_button(submitted, cast, login):
    html = login(cast.township_cadre).get(reverse("home")).content.decode()
    url = reverse("rounds:detail", args=[submitted.pk])
    assert 'data-count="rounds-review"' in html
    assert f'class="btn btn-sm btn-primary" href="{url}"' in html
