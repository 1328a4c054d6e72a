"""The demo's reminders: the day's digests (jinguo.reminders), sent last, once every other record
is in, so that Songhe's grid members find them in their inbox.

The records give most kinds something already: overdue households in every grid member's 包保
(visits_and_cases), a request near its deadline and an overdue case, the report rounds. Two rows
are added where nothing falls on the rules' days: a 妇女议事会 tomorrow with Songhe's executives
invited, and one of the wishes collected (unclaimed) dated 15 days back, past the 14 days after
which its grid is reminded.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.meetings.models import MeetingKind
from jinguo.meetings.services import meeting_create
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.reminders.services import reminders_send
from jinguo.visits.models import Wish

WISH_AGE_DAYS = 15


class RemindersDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.songhe = orgs["songhe"]
        self.today = timezone.localdate()

    def build(self) -> str:
        self.meeting_tomorrow()
        self.old_wish()
        sent = reminders_send(day=self.today)
        return f"每日提醒{sent.new}人"

    def meeting_tomorrow(self) -> None:
        seated = ExecutiveSeat.objects.filter(org=self.songhe, ended_on__isnull=True)
        executives = list(Person.objects.filter(pk__in=seated.values("person_id")).order_by("id"))
        tomorrow = self.today + dt.timedelta(days=1)
        meeting_create(
            actor=User.objects.get(username="songhe"),
            org=self.songhe,
            kind=MeetingKind.WOMEN_COUNCIL,
            title="妇女议事会：困难家庭春节走访安排",
            planned_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(15))),
            executives=executives,
        )

    def old_wish(self) -> None:
        """Collected wishes are written now by the service; the oldest is dated back (the demo
        shows a day some weeks into the work, as its visits and cases do)."""
        wish = (
            Wish.objects.filter(self.songhe.subtree_q("org__"), status=Wish.Status.COLLECTED)
            .order_by("pk")
            .first()
        )
        if wish is not None:
            back = timezone.now() - dt.timedelta(days=WISH_AGE_DAYS)
            Wish.objects.filter(pk=wish.pk).update(created_at=back)
            wish.changes.update(at=back)
