"""A round reaches people: its creation puts a message in the inbox of each target unit's people,
and a reminder one more in the inbox of the late units' people only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.inbox.models import Message
from jinguo.rounds import services
from jinguo.rounds.models import Round

pytestmark = pytest.mark.django_db


def _round(cast, tree) -> Round:
    today = timezone.localdate()
    return services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="上半年工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=7),
        targets=[tree.songhe, tree.gangkou],
    )


def test_a_new_round_messages_the_people_of_its_target_units(cast, tree):
    r = _round(cast, tree)
    messages = Message.objects.filter(source=f"round:{r.pk}")
    assert set(messages.values_list("recipient", flat=True)) == {
        cast.songhe_chair.pk,
        cast.gangkou_chair.pk,
    }
    songhe = messages.get(recipient=cast.songhe_chair)
    assert songhe.kind == Message.Kind.ROUND
    assert songhe.link == reverse("rounds:target", args=[r.targets.get(org=tree.songhe).pk])


def test_a_reminder_messages_only_the_late_units_people(cast, tree):
    r = _round(cast, tree)
    services.target_submit(
        actor=cast.songhe_chair, target=r.targets.get(org=tree.songhe), texts={}, answers=[]
    )
    assert services.round_remind(actor=cast.township_cadre, round_=r) == 1
    reminded = Message.objects.filter(source=f"round:{r.pk}:remind:1")
    assert list(reminded.values_list("recipient", flat=True)) == [cast.gangkou_chair.pk]
    assert reminded.get().kind == Message.Kind.REMIND
    services.round_remind(actor=cast.township_cadre, round_=r)
    assert Message.objects.filter(source=f"round:{r.pk}:remind:2").count() == 1
