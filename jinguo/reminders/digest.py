"""The daily digest (每日提醒): one message per person gathering every kind of reminder the
readers found for her, each item linking to its record, or, when there are more than
readers.SAMPLES of a kind, one item counting them and linking to the filtered list."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jinguo.inbox.services import Outgoing
from jinguo.reminders import readers
from jinguo.reminders.readers import Group, Record, Reminders

TITLE_MAX = 200


def _url(name: str, *args: Any, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _task_url(record: Record | None) -> str:
    """A task's page, once the notices app has one (notices:task); the task list otherwise."""
    for name, args in (("notices:task", [record.pk] if record else None), ("notices:tasks", [])):
        if args is None:
            continue
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return _url("home")


def _day(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "n月j日") if value else ""


def _time(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        return formats.time_format(timezone.localtime(value), "H:i")
    return ""


@dataclass(frozen=True)
class Kind:
    """How a kind of reminder reads in a digest."""

    code: str
    # "%(n)d 户超期未走访": singular and plural, counted in the title and a summary item.
    counted: tuple[str, str]
    text: Callable[[Record], str]
    link: Callable[[Record], str]
    # The list of all of them, filtered: the summary item's link.
    many: Callable[[], str]

    def summary(self, n: int) -> str:
        return ngettext(self.counted[0], self.counted[1], n) % {"n": n}


def _household(r: Record) -> str:
    return _("户号%(number)s，应于%(due)s走访") % {"number": r.label, "due": _day(r.when)}


def _case_due(r: Record) -> str:
    return _("%(case)s，办理时限%(due)s") % {"case": r.label, "due": _day(r.when)}


def _meeting(r: Record) -> str:
    return _("%(title)s，明天%(time)s") % {"title": r.label, "time": _time(r.when)}


def _deadline(r: Record) -> str:
    return _("%(title)s，%(due)s截止") % {"title": r.label, "due": _day(r.when)}


def _wish(r: Record) -> str:
    return _("%(content)s，%(since)s登记，尚无人认领") % {"content": r.label, "since": _day(r.when)}


def _case_link(r: Record) -> str:
    return _url("cases:detail", r.pk)


# The order kinds appear in, in the title and the items. Each counted string is an ngettext
# pair with the same Chinese (Chinese has no plural); English tells them apart.
KINDS: tuple[Kind, ...] = (
    Kind(
        "visit_overdue",
        ("%(n)d 户超期未走访", "%(n)d 户超期未走访"),
        _household,
        lambda r: _url("visits:create", query=f"household={r.pk}"),
        lambda: _url("visits:todo", query="overdue=1"),
    ),
    Kind(
        "case_overdue",
        ("%(n)d 件案件已超期", "%(n)d 件案件已超期"),
        _case_due,
        _case_link,
        lambda: _url("cases:list", query="overdue=1"),
    ),
    Kind(
        "case_warning",
        ("%(n)d 件案件即将超期", "%(n)d 件案件即将超期"),
        _case_due,
        _case_link,
        lambda: _url("cases:list", query="warning=1"),
    ),
    Kind(
        "case_supervise",
        ("%(n)d 件下级案件超期待督办", "%(n)d 件下级案件超期待督办"),
        _case_due,
        _case_link,
        lambda: _url("cases:list", query="overdue=1"),
    ),
    Kind(
        "meeting",
        ("%(n)d 个会议明天召开", "%(n)d 个会议明天召开"),
        _meeting,
        lambda r: _url("meetings:detail", r.pk),
        lambda: _url("meetings:list"),
    ),
    Kind(
        "task",
        ("%(n)d 项任务即将到期", "%(n)d 项任务即将到期"),
        _deadline,
        _task_url,
        lambda: _task_url(None),
    ),
    Kind(
        "round",
        ("%(n)d 项报送即将截止", "%(n)d 项报送即将截止"),
        _deadline,
        lambda r: _url("rounds:target", r.pk),
        lambda: _url("rounds:list"),
    ),
    Kind(
        "wish",
        ("%(n)d 个心愿超过14天无人认领", "%(n)d 个心愿超过14天无人认领"),
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


def _items(kind: Kind, group: Group) -> list[dict[str, str]]:
    if group.count <= readers.SAMPLES:
        return [
            {"kind": kind.code, "text": kind.text(r), "link": kind.link(r)} for r in group.records
        ]
    named = _("、").join(r.label for r in group.records)
    text = _("%(summary)s：%(named)s等") % {"summary": kind.summary(group.count), "named": named}
    return [{"kind": kind.code, "text": text, "link": kind.many()}]


def digest_for(groups: list[tuple[Kind, Group]]) -> tuple[str, str, list[dict[str, str]]]:
    """(title, body, items) of one person's digest from her non-empty groups, in KINDS order."""
    title = _("今日提醒：") + _("，").join(kind.summary(group.count) for kind, group in groups)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    items = [item for kind, group in groups for item in _items(kind, group)]
    body = "\n".join(item["text"] for item in items)
    return title, body, items


def build(found: dict[str, Reminders]) -> list[Outgoing]:
    """One Outgoing per person with at least one reminder, by user id; nobody gets an empty one."""
    per_person: dict[int, list[tuple[Kind, Group]]] = {}
    for kind in KINDS:
        for uid, group in found.get(kind.code, {}).items():
            if group.count:
                per_person.setdefault(uid, []).append((kind, group))
    outgoing = []
    for uid in sorted(per_person):
        title, body, items = digest_for(per_person[uid])
        outgoing.append(Outgoing(recipient_id=uid, title=title, body=body, items=items))
    return outgoing
