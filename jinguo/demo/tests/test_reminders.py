"""After load_demo, Songhe's grid members have the day's digest in their inbox, and what it
counts is what the records hold."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.demo.visits_and_cases import GRID_MEMBERS
from jinguo.inbox.models import Message
from jinguo.reminders.readers import SAMPLES
from jinguo.visits.selectors import visit_overdue


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", villages=3, stdout=StringIO())


def _digest(user: User) -> Message:
    source = f"digest:{timezone.localdate().isoformat()}"
    return Message.objects.get(recipient=user, kind=Message.Kind.DIGEST, source=source)


def test_every_songhe_grid_member_has_a_digest_with_tomorrows_meeting(demo):
    for username in GRID_MEMBERS:
        digest = _digest(User.objects.get(username=username))
        assert "meeting" in [item["kind"] for item in digest.items], username


def test_a_songhe_grid_member_digest_lists_her_overdue_households(demo):
    user = User.objects.get(username="wushan")
    overdue = visit_overdue(user=user).filter(
        assignments__executive_id=user.person_id,
        assignments__kind="responsible",
        assignments__end_date__isnull=True,
    )
    numbers = list(overdue.values_list("number", flat=True))
    assert numbers
    digest = _digest(user)
    assert f"{len(numbers)} 户超期未走访" in digest.title
    items = [item for item in digest.items if item["kind"] == "visit_overdue"]
    if len(numbers) <= SAMPLES:
        assert len(items) == len(numbers)
        assert all(any(n in item["text"] for item in items) for n in numbers)
    else:
        [item] = items
        assert item["text"].startswith(f"{len(numbers)} 户超期未走访：{numbers[0]}")
        assert item["link"] == "/visits/?overdue=1"


def test_the_old_unclaimed_wish_reaches_its_grid(demo):
    with_wish = [
        m
        for m in Message.objects.filter(kind=Message.Kind.DIGEST)
        if any(item["kind"] == "wish" for item in m.items)
    ]
    assert with_wish
    units = {m.recipient.org_id for m in with_wish}
    songhe_grids = User.objects.filter(org__parent__name="嵩合社区", org__kind="grid").values_list(
        "org_id", flat=True
    )
    assert units <= set(songhe_grids)
