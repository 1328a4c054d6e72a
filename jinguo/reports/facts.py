"""What the work report says besides the dashboard's figures: who the executives are, which key
categories the ledger holds, the venues, which resolutions were carried out and what came of
them, the recurring activities, and the gaps the records show. Each count is the count of a
list the user may open (the same selectors, the same scope), read in a fixed number of queries.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from jinguo.accounts.models import User
from jinguo.activities.selectors import series_list
from jinguo.households.ledger import households_filtered
from jinguo.households.models import Category
from jinguo.meetings.selectors import resolution_list
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import scope_q
from jinguo.people.ages import full_years
from jinguo.people.models import ExecutiveSeat, Person
from jinguo.people.selectors import active_seats
from jinguo.trainings.selectors import untrained_executives
from jinguo.visits.models import Wish
from jinguo.visits.selectors import wish_list

MAX_RESOLUTIONS = 3
# Education at or above 大专.
HIGHER = (Person.Education.COLLEGE, Person.Education.BACHELOR, Person.Education.POSTGRADUATE)
YOUNG = 35  # under this age an executive counts as young (青年执委)


@dataclass(frozen=True)
class Tally:
    label: str
    value: int


@dataclass(frozen=True)
class Achievement:
    """A resolution carried out: what was decided and what came of it."""

    content: str
    result: str


@dataclass
class Facts:
    executives: int = 0
    posts: list[Tally] = field(default_factory=list)  # 主席 1名, 副主席 2名 …
    party_members: int = 0
    higher_education: int = 0
    young: int = 0
    categories: list[Tally] = field(default_factory=list)  # 低保户 12户 …
    venues: list[Tally] = field(default_factory=list)  # 妇女之家 1个 …
    achievements: list[Achievement] = field(default_factory=list)
    series_titles: dict[int, str] = field(default_factory=dict)  # recurring activities
    wishes_open: int = 0
    executives_untrained: int = 0


def _executive_facts(facts: Facts, *, user: User, org: OrgUnit, today: dt.date) -> None:
    seats = active_seats(user=user, org=org)
    posts = Counter(seats.values_list("post", flat=True))
    labels = dict(ExecutiveSeat.Post.choices)
    facts.posts = [
        Tally(str(labels[post]), posts[post]) for post in ExecutiveSeat.Post.values if posts[post]
    ]
    people = Person.objects.filter(pk__in=seats.values("person_id")).only(
        "education", "party_member", "birth_date"
    )
    for person in people:
        facts.executives += 1
        facts.party_members += person.party_member
        facts.higher_education += person.education in HIGHER
        if person.birth_date is not None and full_years(person.birth_date, today) < YOUNG:
            facts.young += 1


def _category_facts(facts: Facts, *, user: User, org: OrgUnit) -> None:
    """Active households of the subtree holding each active category (a household may hold
    several): the ledger filtered by the category lists them."""
    for category in Category.objects.filter(is_active=True):
        count = households_filtered(user=user, org=org, category=category).order_by().count()
        if count:
            facts.categories.append(Tally(category.name, count))


def _venue_facts(facts: Facts, *, user: User, org: OrgUnit) -> None:
    venues = (
        Venue.objects.filter(
            scope_q(user=user, field="org"), org.subtree_q("org__"), is_active=True
        )
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {row["kind"]: row["n"] for row in venues}
    facts.venues = [
        Tally(str(label), counts[kind]) for kind, label in Venue.Kind.choices if counts.get(kind)
    ]


def _achievements(*, user: User, org: OrgUnit, start: dt.date, end: dt.date) -> list[Achievement]:
    done = resolution_list(user=user, org=org, stage="done", start=start, end=end)
    return [
        Achievement(content=r.content.strip(), result=r.result.strip())
        for r in done.exclude(result="")[:MAX_RESOLUTIONS]
    ]


def report_facts(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, today: dt.date
) -> Facts:
    facts = Facts()
    _executive_facts(facts, user=user, org=org, today=today)
    _category_facts(facts, user=user, org=org)
    _venue_facts(facts, user=user, org=org)
    facts.achievements = _achievements(user=user, org=org, start=start, end=end)
    facts.series_titles = dict(series_list(user=user, org=org).values_list("pk", "title"))
    open_statuses = (Wish.Status.COLLECTED, Wish.Status.CLAIMED)
    facts.wishes_open = (
        wish_list(user=user, org=org).filter(status__in=open_statuses).order_by().count()
    )
    facts.executives_untrained = (
        untrained_executives(user=user, org=org, start=start, end=end).order_by().count()
    )
    return facts
