"""The demo part, built on the cast tree (load_demo wires it in at integration)."""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.tests.factories import UserFactory
from jinguo.demo.meetings import MeetingsDemo, meeting_days
from jinguo.meetings.models import Meeting, Resolution
from jinguo.meetings.selectors import meeting_figures
from jinguo.people.models import ExecutiveSeat, Person


def test_meeting_days_fall_in_the_first_half_or_the_last_six_months():
    assert meeting_days(dt.date(2026, 11, 23))[0] == dt.date(2026, 1, 14)
    assert meeting_days(dt.date(2026, 11, 23))[-1] == dt.date(2026, 6, 24)
    spring = meeting_days(dt.date(2026, 3, 5))
    assert spring[0] == dt.date(2025, 9, 24) and spring[-1] == dt.date(2026, 2, 14)
    assert all(day < dt.date(2026, 3, 5) for day in spring)


def test_the_demo_holds_six_meetings_at_songhe_with_resolutions_in_every_status(tree, cast):
    # The demo's accounts and executives, on the cast tree (港口村 stands in for 西山村).
    UserFactory(username="songhe", role="cadre", org=tree.songhe)
    UserFactory(username="xishan", role="cadre", org=tree.gangkou)
    for org, names in (
        (tree.songhe, ["汪晓琴", "程丽华", "方玉梅", "吴春霞"]),
        (tree.gangkou, ["陶红梅"]),
    ):
        for name in names:
            person = Person.objects.create(org=org, name=name, gender="F")
            ExecutiveSeat.objects.create(
                person=person, org=org, post="member", term_start=dt.date(2021, 12, 1)
            )
    summary = MeetingsDemo({"songhe": tree.songhe, "xishan": tree.gangkou}).build()
    assert summary == "议事会9次，决议12项"
    assert Meeting.objects.filter(org=tree.songhe, status="held").count() == 6
    assert Meeting.objects.filter(org=tree.songhe, status="planned").count() == 1
    assert Meeting.objects.filter(org=tree.gangkou, status="held").count() == 2
    statuses = set(Resolution.objects.values_list("status", flat=True))
    assert statuses == set(Resolution.Status.values)
    days = meeting_days(timezone.localdate())
    figures = meeting_figures(user=cast.songhe_chair, org=tree.songhe, start=days[0], end=days[-1])
    values = {f.key: f.value for f in figures}
    assert values["meetings.held"] == 6 and values["meetings.done"] == 3
    assert values["meetings.adopted"] == 8 and values["meetings.forwarded"] == 7
