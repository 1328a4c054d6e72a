"""Writes for activities and their series (volunteer teams: activities.volunteers). Callers
fetch the records through the selectors' fetch-and-check functions first (404 out of scope, 403
for read-only roles); these functions enforce the rules and raise ValidationError with Chinese
messages, by field."""

import calendar
import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.activities.models import (
    Activity,
    ActivityChange,
    ActivityKind,
    ActivityParticipant,
    ActivitySeries,
)
from jinguo.audit.history import record_change
from jinguo.audit.services import audit_record
from jinguo.common import dates
from jinguo.common.uploads import photo_errors
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import check_write_at, venue_usable_by
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible

Status = Activity.Status
logger = logging.getLogger(__name__)

SCHEDULE_DAYS = 90


def _raise_if(errors: dict[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _venue_errors(actor: User | None, org: OrgUnit, venue: Venue | None) -> list[str]:
    if venue is not None and not venue_usable_by(user=actor, org=org, venue=venue):
        return [_("活动阵地不存在或不属于该组织")]
    return []


def _hidden_people(actor: User | None, people: Iterable[Person]) -> list[Person]:
    wanted = {p.pk: p for p in people}
    if actor is None or not wanted:
        return []
    seen = set(person_list_visible(user=actor).filter(pk__in=wanted).values_list("pk", flat=True))
    return [p for pk, p in wanted.items() if pk not in seen]


# --- activities ---------------------------------------------------------------------------------


def _activity_change(
    *, actor: User | None, activity: Activity, old: str, note: str = "", **extra: list[object]
) -> None:
    record_change(
        ActivityChange,
        target=activity,
        actor=actor,
        action="create" if not old else activity.status,
        audit_action="activity.create" if not old else f"activity.{activity.status}",
        note=note,
        from_status=old,
        to_status=activity.status,
        changes={"status": [old or None, activity.status], **extra},
    )


def activity_create(
    *,
    actor: User | None,
    org: OrgUnit,
    kind: str,
    title: str,
    starts_on: dt.date,
    start_time: dt.time | None = None,
    venue: Venue | None = None,
    organisers: Iterable[Person] = (),
    description: str = "",
    series: ActivitySeries | None = None,
) -> Activity:
    """A planned activity at `org` (the caller fetched it with org_get_for_user)."""
    check_write_at(user=actor, org=org)
    title = title.strip()
    chosen = list(organisers)
    hidden = _hidden_people(actor, chosen)
    _raise_if(
        {
            "kind": [] if kind in ActivityKind.values else [_("请选择活动类型")],
            "title": [] if title else [_("请填写活动名称")],
            "venue": _venue_errors(actor, org, venue),
            "organisers": (
                [_("组织者不存在：%(names)s") % {"names": "、".join(p.name for p in hidden)}]
                if hidden
                else []
            ),
        }
    )
    with transaction.atomic():
        activity = Activity.objects.create(
            org=org,
            kind=kind,
            title=title[:100],
            venue=venue,
            starts_on=starts_on,
            start_time=start_time,
            description=description.strip(),
            series=series,
            created_by=actor,
        )
        if chosen:
            activity.organisers.set(chosen)
        _activity_change(
            actor=actor,
            activity=activity,
            old="",
            title=[None, activity.title],
            starts_on=[None, str(starts_on)],
        )
    return activity


def _locked(activity: Activity, *, field: str = "status") -> Activity:
    """The activity row, locked until the transaction ends; only a planned one may change."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status != Status.PLANNED:
        raise ValidationError(
            {field: [_("活动已%(status)s，不能再修改") % {"status": locked.get_status_display()}]}
        )
    return locked


def activity_register(
    *, actor: User, activity: Activity, person: Person | None = None, name: str = ""
) -> ActivityParticipant:
    """Register a participant: a person she may see, or a resident by name only."""
    check_write_at(user=actor, org=activity.org)
    name = name.strip()
    if person is None and not name:
        raise ValidationError({"name": [_("请选择人员或填写姓名")]})
    if person is not None and _hidden_people(actor, [person]):
        raise ValidationError({"person": [_("人员不存在")]})
    with transaction.atomic():
        locked = _locked(activity, field="name")
        if person is not None and locked.participants.filter(person=person).exists():
            raise ValidationError({"person": [_("%(name)s已报名") % {"name": person.name}]})
        participant = ActivityParticipant.objects.create(
            activity=locked,
            person=person,
            name=(person.name if person is not None else name)[:50],
        )
        audit_record(
            actor=actor,
            action="activity.register",
            target=locked,
            changes={"participant": [None, participant.name]},
        )
    return participant


def activity_mark_attended(
    *, actor: User, participant: ActivityParticipant, attended: bool
) -> ActivityParticipant:
    """Tick (or untick) a participant as present, while the activity is still planned."""
    check_write_at(user=actor, org=participant.activity.org)
    with transaction.atomic():
        _locked(participant.activity, field="attended")
        old = participant.attended
        if old != attended:
            participant.attended = attended
            participant.save(update_fields=["attended"])
            audit_record(
                actor=actor,
                action="activity.attendance",
                target=participant.activity,
                changes={f"attended:{participant.name}": [old, attended]},
            )
    return participant


def activity_hold(
    *,
    actor: User,
    activity: Activity,
    headcount: int,
    summary: str,
    photo: UploadedFile | None = None,
) -> Activity:
    """Record that the activity took place: person-times, a summary, optionally a photo."""
    check_write_at(user=actor, org=activity.org)
    summary = summary.strip()
    with transaction.atomic():
        locked = _locked(activity)
        attended = locked.participants.filter(attended=True).count()
        errors: dict[str, list[str]] = {
            "summary": [] if summary else [_("请填写活动小结")],
            "photo": photo_errors(photo),
            "headcount": [],
        }
        if headcount is None or headcount < 1:
            errors["headcount"].append(_("请填写参与人次"))
        elif headcount < attended:
            errors["headcount"].append(
                _("参与人次（%(n)s）不能少于已到场的报名人数（%(attended)s）")
                % {"n": headcount, "attended": attended}
            )
        if locked.starts_on > timezone.localdate():
            errors["status"] = [_("活动日期未到，不能记录为已举办")]
        _raise_if(errors)
        old = locked.status
        locked.status = Status.HELD
        locked.headcount = headcount
        locked.summary = summary
        if photo:
            locked.photo.save(photo.name or "photo", photo, save=False)
        locked.save()
        _activity_change(
            actor=actor, activity=locked, old=old, headcount=[None, headcount], note=summary[:200]
        )
    return locked


def activity_cancel(*, actor: User, activity: Activity, reason: str) -> Activity:
    check_write_at(user=actor, org=activity.org)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写取消原因")]})
    with transaction.atomic():
        locked = _locked(activity)
        old = locked.status
        locked.status = Status.CANCELLED
        locked.cancel_reason = reason[:200]
        locked.save(update_fields=["status", "cancel_reason"])
        _activity_change(actor=actor, activity=locked, old=old, note=reason)
    return locked


# --- series -------------------------------------------------------------------------------------


def series_create(
    *,
    actor: User,
    org: OrgUnit,
    kind: str,
    title: str,
    rule: str,
    starts_on: dt.date,
    day_of_month: int | None = None,
    weekday: int | None = None,
    ends_on: dt.date | None = None,
    venue: Venue | None = None,
) -> ActivitySeries:
    check_write_at(user=actor, org=org)
    title = title.strip()
    errors: dict[str, list[str]] = {
        "kind": [] if kind in ActivityKind.values else [_("请选择活动类型")],
        "title": [] if title else [_("请填写活动名称")],
        "venue": _venue_errors(actor, org, venue),
        "rule": [] if rule in ActivitySeries.Rule.values else [_("请选择重复规则")],
        "day_of_month": [],
        "weekday": [],
        "ends_on": [],
    }
    if rule == ActivitySeries.Rule.MONTHLY and not (day_of_month and 1 <= day_of_month <= 31):
        errors["day_of_month"].append(_("每月几号应为1到31"))
    if rule == ActivitySeries.Rule.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        errors["weekday"].append(_("请选择星期几"))
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"].append(_("结束日期不能早于开始日期"))
    errors["starts_on"] = dates.date_errors(starts_on)
    errors["ends_on"] += dates.date_errors(ends_on)
    _raise_if(errors)
    monthly = rule == ActivitySeries.Rule.MONTHLY
    with transaction.atomic():
        series = ActivitySeries.objects.create(
            org=org,
            kind=kind,
            title=title[:100],
            venue=venue,
            rule=rule,
            day_of_month=day_of_month if monthly else None,
            weekday=None if monthly else weekday,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="activity_series.create",
            target=series,
            changes={"title": [None, series.title], "rule": [None, rule]},
        )
    return series


def _month_day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def series_dates(series: ActivitySeries, until: dt.date) -> Iterator[dt.date]:
    """The series' days from its start to `until` (and its end, if any), in order."""
    last = min(until, series.ends_on) if series.ends_on else until
    start = series.starts_on
    if series.rule == ActivitySeries.Rule.WEEKLY:
        day = start + dt.timedelta(days=((series.weekday or 0) - start.weekday()) % 7)
        while day <= last:
            yield day
            day += dt.timedelta(days=7)
        return
    year, month = start.year, start.month
    while True:
        day = _month_day(year, month, series.day_of_month or 1)
        if day > last:
            return
        if day >= start:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def series_schedule(
    *, actor: User | None, series: ActivitySeries, until: dt.date
) -> list[Activity]:
    """Create the planned occurrences up to `until` that do not exist yet. Idempotent: a day
    that has an occurrence (planned, held or cancelled) is left as it is. The series row is
    locked, so two runs at once cannot both create a day. `until` lies at most
    JINGUO_SCHEDULE_HORIZON_DAYS ahead, and a run creates at most JINGUO_SCHEDULE_MAX_ACTIVITIES
    (more is refused, and nothing is created)."""
    check_write_at(user=actor, org=series.org)
    horizon = timezone.localdate() + dt.timedelta(days=settings.JINGUO_SCHEDULE_HORIZON_DAYS)
    if until > horizon:
        message = _("截止日期不能晚于%(last)s（最多提前%(days)s天生成）")
        days = settings.JINGUO_SCHEDULE_HORIZON_DAYS
        raise ValidationError({"until": [message % {"last": horizon.isoformat(), "days": days}]})
    limit = settings.JINGUO_SCHEDULE_MAX_ACTIVITIES
    created: list[Activity] = []
    with transaction.atomic():
        locked = ActivitySeries.objects.select_for_update().get(pk=series.pk)
        if not locked.is_active:
            raise ValidationError(_("该周期性活动已停用"))
        existing = set(locked.occurrences.values_list("starts_on", flat=True))
        new = islice((day for day in series_dates(locked, until) if day not in existing), limit + 1)
        wanted = list(new)
        if len(wanted) > limit:
            message = _("一次最多生成%(n)s场活动，请提前截止日期")
            raise ValidationError({"until": [message % {"n": limit}]})
        for day in wanted:
            created.append(
                activity_create(
                    actor=actor,
                    org=locked.org,
                    kind=locked.kind,
                    title=locked.title,
                    starts_on=day,
                    venue=locked.venue,
                    series=locked,
                )
            )
        if created:
            audit_record(
                actor=actor,
                action="activity_series.schedule",
                target=locked,
                changes={"occurrences": [None, len(created)]},
                note=f"until {until}",
            )
    return created


def schedule_until() -> dt.date:
    """How far a series is scheduled when no date is given: SCHEDULE_DAYS, within the horizon."""
    ahead = min(SCHEDULE_DAYS, settings.JINGUO_SCHEDULE_HORIZON_DAYS)
    return timezone.localdate() + dt.timedelta(days=ahead)


def series_schedule_all(*, until: dt.date | None = None) -> int:
    """Every active series scheduled to `until` (90 days ahead by default), by the system."""
    until = until or schedule_until()
    total = 0
    for series in ActivitySeries.objects.filter(is_active=True).order_by("pk"):
        try:
            total += len(series_schedule(actor=None, series=series, until=until))
        except ValidationError as refused:  # one series over the limits does not stop the rest
            logger.warning("series %s not scheduled: %s", series.pk, refused.messages)
    return total
