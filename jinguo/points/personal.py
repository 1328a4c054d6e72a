"""Reads of an executive's own points page (/points/): her balance, her ledger (each earning
once, newest first, paged) and what she has done that the points collection has not yet
turned into an entry (shown as pending, never counted in the balance).

An earning is one `earn` entry; the `approve` or `reject` entry that decides it is its status,
not a second earning, so the page lists earns with their status and leaves the decisions out.
Every other entry (redeem, expire, correct, appeal, ruling) is listed as it is.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Sum

from jinguo.orgs import tree
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.points.models import Action, Kind, PointEntry, Redemption
from jinguo.points.selectors import points_balance, points_earned, status_q, with_status
from jinguo.points.services import RuleBook
from jinguo.points.sources import SOURCES, collection_window

PAGE_SIZE = 50
LATEST = 5  # entries on the points page itself; the rest on the history page
DECISION_KINDS = (Kind.APPROVE, Kind.REJECT)  # the status of an earn, not entries of their own


@dataclass(frozen=True)
class Uncollected:
    """A verified duty record with no earn entry yet: points to come, once collected."""

    action: str
    day: dt.date
    source_id: str
    org: OrgUnit
    points: int  # what the rule gives (before any cap)

    def get_action_display(self) -> str:
        return str(Action(self.action).label)


def my_history(*, person: Person) -> Any:
    """Her entries, one row per earning (with its status), newest day first."""
    entries = PointEntry.objects.filter(person=person).exclude(kind__in=DECISION_KINDS)
    return with_status(entries).select_related("person", "org").order_by("-day", "-id")


def uncollected(*, person: Person, today: dt.date) -> list[Uncollected]:
    """Her duty records of the collection window (what the next run of the points collection
    reads) that have no earn entry yet and that a rule gives points for: one query per source,
    one for the entries, two per unit the records belong to."""
    root = OrgUnit.objects.get(pk=tree.ids_in_path(person.org.path)[0])
    start, end = collection_window(today)
    facts = [
        (action, fact)
        for action, source in SOURCES.items()
        for fact in source.person_facts(org=root, start=start, end=end, person_id=person.pk)
    ]
    if not facts:
        return []
    done = set(
        PointEntry.objects.filter(
            person=person, kind=Kind.EARN, source_id__in={f[2] for _a, f in facts}
        ).values_list("action", "source_id")
    )
    units = OrgUnit.objects.in_bulk({f[3] for _a, f in facts})
    books: dict[int, RuleBook] = {}
    result = []
    for action, (_person, day, source_id, org_id) in facts:
        if (action, source_id) in done or org_id not in units:
            continue
        book = books.get(org_id) or books.setdefault(org_id, RuleBook(units[org_id]))
        rule = book.rule(org_id=org_id, action=action, day=day)
        if rule is not None:
            result.append(Uncollected(action, day, source_id, units[org_id], rule.points))
    result.sort(key=lambda u: (u.day, u.source_id), reverse=True)
    return result


def my_history_page(*, person: Person, page: Any = None) -> Page:
    """One page of her history (my_history), PAGE_SIZE entries."""
    return Paginator(my_history(person=person), PAGE_SIZE).get_page(page)


def my_points(*, person: Person, today: dt.date) -> dict[str, Any]:
    """The page's context, short enough for a phone: balance and this year's approved points,
    pending (collected, not yet decided) and uncollected points, which are not in the balance,
    her LATEST newest entries with the count of all (paged on the history page), and her
    vouchers."""
    pending = PointEntry.objects.filter(person=person).filter(status_q("pending"))
    sums = pending.aggregate(n=Count("pk"), s=Sum("amount"))
    waiting = uncollected(person=person, today=today)
    history = my_history(person=person)
    year = points_earned(
        start=today.replace(month=1, day=1),
        end=today,
        persons_qs=Person.objects.filter(pk=person.pk),
    )
    return {
        "balance": points_balance(person=person),
        "this_year": year.get(person.pk, 0),
        "pending_count": sums["n"],
        "pending_points": int(sums["s"] or 0),
        "uncollected": waiting,
        "uncollected_points": sum(u.points for u in waiting),
        "latest": list(history[:LATEST]),
        "entry_count": history.count(),
        "redemptions": list(Redemption.objects.filter(person=person).select_related("item")[:20]),
    }
