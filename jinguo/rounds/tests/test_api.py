"""The rounds' JSON API: the same rules as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.rounds.filling import in_order
from jinguo.rounds.models import Round, Submission, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_round(tree, cast, login) -> Round:
    today = timezone.localdate()
    response = login(cast.township_cadre).post(
        "/api/v1/rounds/",
        {
            "title": "上半年数据报表",
            "kind": "form",
            "start": today.replace(month=1, day=1).isoformat(),
            "end": today.isoformat(),
            "deadline": (today + dt.timedelta(days=3)).isoformat(),
            "targets": [tree.songhe.pk, tree.gangkou.pk],
            "figure_keys": ["cases.disputes", "meetings.held"],
            "questions": ["主要做法？"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Round.objects.get(pk=response.json()["id"])


def test_the_township_creates_a_form_round_through_the_api(tree, api_round):
    assert api_round.kind == Round.Kind.FORM
    target = api_round.targets.get(org=tree.songhe)
    assert [key for key, _f in in_order(target.figures)] == ["cases.disputes", "meetings.held"]


def test_a_unit_outside_the_issuer_is_refused_by_the_api(tree, cast, login):
    today = timezone.localdate().isoformat()
    response = login(cast.township_cadre).post(
        "/api/v1/rounds/",
        {
            "title": "越级",
            "kind": "work_report",
            "start": today,
            "end": today,
            "deadline": today,
            "targets": [tree.dongmen.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Round.objects.exists()


def test_the_community_submits_and_the_township_reviews_through_the_api(
    tree, cast, login, api_round
):
    target = api_round.targets.get(org=tree.songhe)
    client = login(cast.songhe_chair)
    detail = client.get(f"/api/v1/rounds/targets/{target.pk}/").json()
    assert detail["figures"]["cases.disputes"]["value"] == 0
    response = client.post(
        f"/api/v1/rounds/targets/{target.pk}/submit/",
        {"answers": ["入户走访常态化"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    submission = Submission.objects.get()
    refused = client.post(
        f"/api/v1/rounds/submissions/{submission.pk}/review/",
        {"approve": True},
        content_type="application/json",
    )
    assert refused.status_code == 403
    township = login(cast.township_cadre)
    response = township.post(
        f"/api/v1/rounds/submissions/{submission.pk}/review/",
        {"approve": False, "reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 400  # a return needs a reason
    response = township.post(
        f"/api/v1/rounds/submissions/{submission.pk}/review/",
        {"approve": True},
        content_type="application/json",
    )
    assert response.json()["review"] == "approved"
    progress = township.get(f"/api/v1/rounds/{api_round.pk}/").json()
    assert progress["total"]["approved"] == 1 and progress["total"]["expected"] == 2
    assert Target.objects.get(pk=target.pk).status == Target.Status.APPROVED


def test_another_village_gets_404_on_songhes_target(tree, cast, login, api_round):
    target = api_round.targets.get(org=tree.songhe)
    assert login(cast.gangkou_chair).get(f"/api/v1/rounds/targets/{target.pk}/").status_code == 404
