"""The daily reminders at city scale: every reader once over the whole tree, one digest per
person, the messages written (jinguo.reminders.services.reminders_send).

    .venv/bin/python -m bench.reminders --database-url postgres://…/jinguo_remindbench [--day D]

Run on a copy of the generated city (`createdb -T jinguo_city jinguo_remindbench`, then
`jinguo migrate` on it), never on the generated database itself: everything written is rolled
back, but the copy is what may be spoiled. The generated city has households, visits, 包保
assignments, accounts behind executives and cases, but no meetings, wishes, tasks or report
rounds; `--seed-missing` (the default) adds, inside the rolled-back transaction, a task due
tomorrow to every village, community and grid, a round due in two days to every village and
community, an unclaimed wish three weeks old in every grid, and a meeting tomorrow at every
village and community with the executives of its grids invited, so that every reader has work.

Prints seconds per kind of reminder, the digest building, the writes (messages_send), the total,
people and messages, and floors measured in the same run: the bare GROUP BY count of the overdue
households per account (no samples), and a bulk insert of the same Message rows (title, body,
items) without messages_send's check for the day's messages already sent.
"""

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jinguo_remindbench"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.reminders", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--day", default="", help="the day (ISO), default today")
    parser.add_argument("--no-seed-missing", dest="seed", action="store_false")
    return parser.parse_args(argv)


def _s(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


class _Rollback(Exception):
    pass


def seed_missing(day: dt.date) -> dict[str, int]:
    """Tasks, rounds, wishes and meetings for the readers that the generator leaves empty."""
    from django.utils import timezone

    from jinguo.accounts.models import User
    from jinguo.households.models import GridAssignment
    from jinguo.meetings.models import Meeting, MeetingAttendee
    from jinguo.notices.models import Audience, Task, TaskRecipient
    from jinguo.orgs.kinds import Kind
    from jinguo.orgs.models import OrgUnit
    from jinguo.rounds.models import Round, Target
    from jinguo.visits.models import Wish

    sender = User.objects.get(username="city_cadre")
    city = sender.org
    if city is None:
        raise SystemExit("city_cadre has no organisation: generate the city first")
    villages = list(
        OrgUnit.objects.filter(kind__in=[Kind.VILLAGE, Kind.COMMUNITY]).values_list("pk", flat=True)
    )
    grids = list(OrgUnit.objects.filter(kind=Kind.GRID).values_list("pk", flat=True))
    task = Task.objects.create(
        org=city,
        title="bench task",
        body="-",
        deadline=day + dt.timedelta(days=1),
        audience=Audience.ALL,
        created_by=sender,
    )
    TaskRecipient.objects.bulk_create(
        (TaskRecipient(task=task, org_id=pk) for pk in villages + grids), batch_size=5000
    )
    round_ = Round.objects.create(
        org=city,
        title="bench round",
        kind=Round.Kind.WORK_REPORT,
        start=day - dt.timedelta(days=90),
        end=day,
        deadline=day + dt.timedelta(days=2),
        created_by=sender,
    )
    Target.objects.bulk_create(
        (Target(round=round_, org_id=pk) for pk in villages), batch_size=5000
    )
    Wish.objects.bulk_create(
        (Wish(org_id=pk, content="bench wish", category="study") for pk in grids), batch_size=5000
    )
    Wish.objects.filter(content="bench wish").update(
        created_at=timezone.now() - dt.timedelta(days=21)
    )
    at = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9, 30)))
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(org_id=pk, kind="women_council", title="bench meeting", planned_at=at)
            for pk in villages
        ),
        batch_size=5000,
    )
    by_village = {m.org_id: m.pk for m in meetings}
    invited = GridAssignment.objects.filter(end_date__isnull=True).values_list(
        "executive_id", "grid__parent_id"
    )
    attendees = [
        MeetingAttendee(meeting_id=by_village[v], person_id=p, role="executive")
        for p, v in invited
        if v in by_village
    ]
    MeetingAttendee.objects.bulk_create(attendees, batch_size=5000, ignore_conflicts=True)
    return {
        "task recipients": len(villages) + len(grids),
        "round targets": len(villages),
        "wishes": len(grids),
        "meetings": len(meetings),
        "attendees": len(attendees),
    }


def _bare_overdue(day: dt.date) -> int:
    """The floor: overdue households counted per account, a plain GROUP BY, no samples."""
    from django.db.models import Count

    from jinguo.households.models import HouseholdAssignment
    from jinguo.reminders.readers import eligible_q

    rows = (
        HouseholdAssignment.objects.filter(
            eligible_q("executive__account__"),
            kind="responsible",
            end_date__isnull=True,
            household__is_active=True,
            household__visit_interval_days__isnull=False,
            household__visit_due_on__lt=day,
        )
        .values("executive__account__id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return len(list(rows))


def _bare_insert(outgoing: list[Any]) -> None:
    from jinguo.inbox.models import Message

    Message.objects.bulk_create(
        (
            Message(
                recipient_id=o.recipient_id,
                kind="system",
                source="bench:bare",
                title=o.title,
                body=o.body,
                items=o.items,
            )
            for o in outgoing
        ),
        batch_size=2000,
    )


def measure(day: dt.date, seed: bool) -> list[str]:
    from django.db import transaction
    from django.utils import translation

    from jinguo.inbox.models import Message
    from jinguo.inbox.services import messages_send
    from jinguo.reminders import readers
    from jinguo.reminders.digest import build
    from jinguo.reminders.services import digest_source

    lines: list[str] = []
    try:
        with transaction.atomic(), translation.override("zh-hans"):
            if seed:
                seconds, seeded = _s(lambda: seed_missing(day))
                added = ", ".join(f"{n:,} {what}" for what, n in seeded.items())
                lines.append(f"seeded (rolled back): {added} in {seconds:.1f} s")
            floor_read, groups = _s(lambda: _bare_overdue(day))
            timings: dict[str, float] = {}
            found: dict[str, readers.Reminders] = {}
            steps: list[tuple[str, Callable[[], Any]]] = [
                ("visit_overdue", lambda: readers.overdue_households(day=day)),
                ("cases", lambda: readers.cases_flagged(day=day)),
                ("meeting", lambda: readers.meetings_tomorrow(day=day)),
                ("task", lambda: readers.tasks_due(day=day)),
                ("round", lambda: readers.rounds_due(day=day)),
                ("wish", lambda: readers.wishes_unclaimed(day=day)),
            ]
            for name, step in steps:
                timings[name], result = _s(step)
                if name == "cases":
                    warning, overdue, supervised = result
                    found |= {"case_warning": warning, "case_overdue": overdue}
                    found["case_supervise"] = supervised
                else:
                    found[name] = result
            build_s, outgoing = _s(lambda: build(found))
            send_s, new = _s(
                lambda: messages_send(
                    kind=Message.Kind.DIGEST, source=digest_source(day), outgoing=outgoing
                )
            )
            floor_write = _s(lambda: _bare_insert(outgoing))[0]
            raise _Rollback
    except _Rollback:
        pass
    total = sum(timings.values()) + build_s + send_s
    people = {kind: len(found[kind]) for kind in found}
    lines += [
        "readers (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()),
        "people reminded per kind: " + ", ".join(f"{k} {v:,}" for k, v in people.items()),
        f"digests built {build_s:.2f} s; messages_send {send_s:.2f} s ({new:,} messages)",
        f"TOTAL {total:.2f} s for {len(outgoing):,} people, {new:,} messages (target < 60 s)",
        f"floors: bare GROUP BY of the overdue households per account {floor_read:.2f} s "
        f"({groups:,} accounts) — overdue_households is "
        f"{timings['visit_overdue'] / floor_read:.1f} × "
        f"that; a bare bulk insert of {len(outgoing):,} messages {floor_write:.2f} s — "
        f"messages_send is {send_s / max(floor_write, 1e-9):.1f} × that",
    ]
    return lines


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    from bench.run import setup

    setup(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from jinguo.households.models import Household
    from jinguo.visits.models import Visit

    day = dt.date.fromisoformat(args.day) if args.day else timezone.localdate()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; day {day}")
    print(f"data: {Household.objects.count():,} households, {Visit.objects.count():,} visits")
    print("\n".join(measure(day, args.seed)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
