"""The daily digest (每日提醒): one message per person gathering every kind of reminder the
readers found for her, each item linking to its record, or, when there are more than
readers.SAMPLES of a kind, one item counting them and linking to the filtered list."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from jinguo.inbox.services import Outgoing
from jinguo.reminders import readers
from jinguo.reminders.readers import Group, Record, Reminders

TITLE_MAX = 200


# A stand-in id, reversed once per URL name: a day's digests hold ≈100,000 links, and reverse()
# for each cost seconds at city scale.
_STAND_IN = 987654321


@cache
def _pattern(name: str, with_id: bool) -> str:
    return reverse(name, args=[_STAND_IN] if with_id else [])


def _url(name: str, *args: Any, query: str = "") -> str:
    path = _pattern(name, bool(args))
    if args:
        path = path.replace(str(_STAND_IN), str(args[0]))
    return path + (f"?{query}" if query else "")


@cache
def _task_pattern() -> str:
    """A task's page (notices:task), with a stand-in id."""
    return reverse("notices:task", args=[_STAND_IN])


def _task_url(record: Record | None) -> str:
    return _task_pattern().replace(str(_STAND_IN), str(record.pk if record else ""))


# What a digest says, translated once per build (Speech), not once per item: a day's digests at
# city scale say ≈200,000 things.
MSG = {
    "household": gettext_lazy("户号%(number)s，应于%(due)s走访"),
    "case": gettext_lazy("%(case)s，办理时限%(due)s"),
    "meeting": gettext_lazy("%(title)s，明天%(time)s"),
    "deadline": gettext_lazy("%(title)s，%(due)s截止"),
    "wish": gettext_lazy("%(content)s，%(since)s登记，尚无人认领"),
    "date": gettext_lazy("%(month)d月%(day)d日"),
    "title": gettext_lazy("今日提醒："),
    "and": gettext_lazy("，"),
    "named": gettext_lazy("、"),
    "summary": gettext_lazy("%(summary)s：%(named)s等"),
}


class Speech:
    """MSG in the active language, and the dates and counts said so far."""

    def __init__(self) -> None:
        self.msg = {key: str(text) for key, text in MSG.items()}
        self._days: dict[dt.date, str] = {}
        self._counts: dict[tuple[str, int], str] = {}

    def day(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date()
        if value not in self._days:
            self._days[value] = self.msg["date"] % {"month": value.month, "day": value.day}
        return self._days[value]

    def count(self, kind: "Kind", n: int) -> str:
        key = (kind.code, n)
        if key not in self._counts:
            self._counts[key] = kind.counted(n) % {"n": n}
        return self._counts[key]


def _time(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%H:%M")
    return ""


@dataclass(frozen=True)
class Kind:
    """How a kind of reminder reads in a digest."""

    code: str
    # "%(n)d 户超期未走访" for n: counted in the title and a summary item.
    counted: Callable[[int], str]
    text: Callable[[Speech, Record], str]
    link: Callable[[Record], str]
    # The list of all of them, filtered: the summary item's link.
    many: Callable[[], str]


def _household(s: Speech, r: Record) -> str:
    return s.msg["household"] % {"number": r.label, "due": s.day(r.when)}


def _case_due(s: Speech, r: Record) -> str:
    return s.msg["case"] % {"case": r.label, "due": s.day(r.when)}


def _meeting(s: Speech, r: Record) -> str:
    return s.msg["meeting"] % {"title": r.label, "time": _time(r.when)}


def _deadline(s: Speech, r: Record) -> str:
    return s.msg["deadline"] % {"title": r.label, "due": s.day(r.when)}


def _wish(s: Speech, r: Record) -> str:
    return s.msg["wish"] % {"content": r.label, "since": s.day(r.when)}


def _case_link(r: Record) -> str:
    return _url("cases:detail", r.pk)


# The order kinds appear in, in the title and the items. Each count is an ngettext pair with the
# same Chinese (Chinese has no plural); English tells them apart.
KINDS: tuple[Kind, ...] = (
    Kind(
        "visit_overdue",
        lambda n: ngettext("%(n)d 户超期未走访", "%(n)d 户超期未走访", n),
        _household,
        lambda r: _url("visits:create", query=f"household={r.pk}"),
        lambda: _url("visits:todo", query="overdue=1"),
    ),
    Kind(
        "case_overdue",
        lambda n: ngettext("%(n)d 件案件已超期", "%(n)d 件案件已超期", n),
        _case_due,
        _case_link,
        lambda: _url("cases:list", query="overdue=1"),
    ),
    Kind(
        "case_warning",
        lambda n: ngettext("%(n)d 件案件即将超期", "%(n)d 件案件即将超期", n),
        _case_due,
        _case_link,
        lambda: _url("cases:list", query="warning=1"),
    ),
    Kind(
        "case_supervise",
        lambda n: ngettext("%(n)d 件下级案件超期待督办", "%(n)d 件下级案件超期待督办", n),
        _case_due,
        _case_link,
        lambda: _url("cases:list", query="overdue=1"),
    ),
    Kind(
        "meeting",
        lambda n: ngettext("%(n)d 个会议明天召开", "%(n)d 个会议明天召开", n),
        _meeting,
        lambda r: _url("meetings:detail", r.pk),
        lambda: _url("meetings:list"),
    ),
    Kind(
        "task",
        lambda n: ngettext("%(n)d 项任务即将到期", "%(n)d 项任务即将到期", n),
        _deadline,
        _task_url,
        lambda: _task_url(None),
    ),
    Kind(
        "round",
        lambda n: ngettext("%(n)d 项报送即将截止", "%(n)d 项报送即将截止", n),
        _deadline,
        lambda r: _url("rounds:target", r.pk),
        lambda: _url("rounds:list"),
    ),
    Kind(
        "wish",
        lambda n: ngettext("%(n)d 个心愿超过14天无人认领", "%(n)d 个心愿超过14天无人认领", n),
        _wish,
        lambda r: _url("visits:wishes", query=f"status=collected&org={r.org_id}"),
        lambda: _url("visits:wishes", query="status=collected"),
    ),
)


def gather(*, day: dt.date) -> dict[str, Reminders]:
    """Every kind's reminders for `day`: {kind code: {user id: Group}}."""
    warning, overdue, supervised = readers.cases_flagged(day=day)
    return {
        "visit_overdue": readers.overdue_households(day=day),
        "case_overdue": overdue,
        "case_warning": warning,
        "case_supervise": supervised,
        "meeting": readers.meetings_tomorrow(day=day),
        "task": readers.tasks_due(day=day),
        "round": readers.rounds_due(day=day),
        "wish": readers.wishes_unclaimed(day=day),
    }


def _items(speech: Speech, kind: Kind, group: Group) -> list[dict[str, str]]:
    if group.count <= readers.SAMPLES:
        return [
            {
                "kind": kind.code,
                "text": kind.text(speech, r),
                "link": kind.link(r) if r.visible else "",
            }
            for r in group.records
        ]
    named = speech.msg["named"].join(r.label for r in group.records)
    summary = speech.count(kind, group.count)
    text = speech.msg["summary"] % {"summary": summary, "named": named}
    return [{"kind": kind.code, "text": text, "link": kind.many()}]


def digest_for(
    speech: Speech, groups: list[tuple[Kind, Group]]
) -> tuple[str, str, list[dict[str, str]]]:
    """(title, body, items) of one person's digest from her non-empty groups, in KINDS order."""
    counts = speech.msg["and"].join(speech.count(kind, group.count) for kind, group in groups)
    title = speech.msg["title"] + counts
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    items = [item for kind, group in groups for item in _items(speech, kind, group)]
    body = "\n".join(item["text"] for item in items)
    return title, body, items


def build(found: dict[str, Reminders]) -> list[Outgoing]:
    """One Outgoing per person with at least one reminder, by user id; nobody gets an empty one.
    In the active language."""
    speech = Speech()
    per_person: dict[int, list[tuple[Kind, Group]]] = {}
    for kind in KINDS:
        for uid, group in found.get(kind.code, {}).items():
            if group.count:
                per_person.setdefault(uid, []).append((kind, group))
    outgoing = []
    for uid in sorted(per_person):
        title, body, items = digest_for(speech, per_person[uid])
        outgoing.append(Outgoing(recipient_id=uid, title=title, body=body, items=items))
    return outgoing
