"""The records a task's return may link to (a visit, a meeting, an activity), read through
those apps' scoped selectors: a link is kept only if its returner may see the record."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.accounts.models import User
from jinguo.activities.selectors import activities_visible
from jinguo.meetings.selectors import meetings_visible
from jinguo.visits.selectors import visit_list

KINDS = {
    "visit": gettext_lazy("走访"),
    "meeting": gettext_lazy("会议"),
    "activity": gettext_lazy("活动"),
}
MAX_RECORDS = 20
PICK_DAYS = 90
PICK_EACH = 20


def _visible(user: User, kind: str) -> QuerySet[Any]:
    if kind == "visit":
        return visit_list(user=user)
    if kind == "meeting":
        return meetings_visible(user=user)
    return activities_visible(user=user)


def checked_records(*, user: User, records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The links as kept ([{"kind", "id"}], each once), or ValidationError naming the ones the
    user may not see (a record out of her scope does not exist for her)."""
    links: list[dict[str, Any]] = []
    for record in records:
        kind, pk = record.get("kind"), record.get("id")
        if kind not in KINDS or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValidationError(_("关联记录格式不正确。"))
        if {"kind": kind, "id": pk} not in links:
            links.append({"kind": kind, "id": pk})
    if len(links) > MAX_RECORDS:
        raise ValidationError(_("关联记录不超过%(n)s条。") % {"n": MAX_RECORDS})
    for kind in KINDS:
        wanted = {link["id"] for link in links if link["kind"] == kind}
        if not wanted:
            continue
        found = set(_visible(user, kind).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - found:
            raise ValidationError(
                _("所选%(kind)s记录不存在或不在您的范围内。") % {"kind": KINDS[kind]}
            )
    return links


@dataclass(frozen=True)
class RecordChoice:
    kind: str
    id: int
    label: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.id}"


def record_choices(*, user: User, today: dt.date | None = None) -> list[RecordChoice]:
    """Recent records the user may see, to link to a return (three queries)."""
    since = (today or timezone.localdate()) - dt.timedelta(days=PICK_DAYS)
    out = []
    visits = visit_list(user=user, start=since).order_by("-visited_on", "-id")[:PICK_EACH]
    for v in visits:
        out.append(
            RecordChoice("visit", v.pk, f"{KINDS['visit']} · {v.visited_on} · {v.household}")
        )
    meetings = meetings_visible(user=user).filter(planned_at__date__gte=since)
    for m in meetings.order_by("-planned_at", "-id")[:PICK_EACH]:
        out.append(
            RecordChoice(
                "meeting", m.pk, f"{KINDS['meeting']} · {m.planned_at:%Y-%m-%d} · {m.title}"
            )
        )
    activities = activities_visible(user=user).filter(starts_on__gte=since)
    for a in activities.order_by("-starts_on", "-id")[:PICK_EACH]:
        out.append(
            RecordChoice("activity", a.pk, f"{KINDS['activity']} · {a.starts_on} · {a.title}")
        )
    return out


def parse_choice(value: str) -> dict[str, Any] | None:
    kind, _sep, pk = value.partition(":")
    return {"kind": kind, "id": int(pk)} if kind in KINDS and pk.isdigit() else None


def record_links(records: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, url) of each linked record; visits link to their household page's list."""
    out = []
    for link in records:
        kind, pk = link.get("kind"), link.get("id")
        if kind == "meeting":
            out.append((f"{KINDS['meeting']} #{pk}", reverse("meetings:detail", args=[pk])))
        elif kind == "activity":
            out.append((f"{KINDS['activity']} #{pk}", reverse("activities:detail", args=[pk])))
        elif kind == "visit":
            out.append((f"{KINDS['visit']} #{pk}", ""))
    return out
