"""Builders for meeting tests: everything goes through the services, like production."""

import datetime as dt

from django.utils import timezone

from jinguo.meetings import resolutions, services
from jinguo.meetings.models import Meeting, Resolution, Topic
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person


def plan(
    org: OrgUnit,
    *,
    people: list[Person] | None = None,
    kind: str = "women_council",
    title: str = "妇女议事会",
    days_ahead: int = 7,
    **kw,
) -> Meeting:
    return services.meeting_create(
        actor=None,
        org=org,
        kind=kind,
        title=title,
        planned_at=timezone.now() + dt.timedelta(days=days_ahead),
        executives=people or [],
        **kw,
    )


def held(
    org: OrgUnit,
    people: list[Person],
    *,
    on: dt.date | None = None,
    summary: str = "商议环境整治",
    minutes: str = "纪要：汪秀兰发言",
    **kw,
) -> Meeting:
    meeting = plan(org, people=people, **kw)
    return services.meeting_record_held(
        actor=None,
        meeting=meeting,
        held_on=on or timezone.localdate(),
        attended=people,
        minutes=minutes,
        public_summary=summary,
    )


def topic(meeting: Meeting, title: str = "垃圾分类点设置") -> Topic:
    return services.topic_add(actor=None, meeting=meeting, title=title, discussion="大家同意")


def resolution(
    meeting: Meeting, status: str = "proposed", content: str = "增设分类点"
) -> Resolution:
    """A resolution on a new topic of a held meeting, moved to `status` through the services."""
    r = resolutions.resolution_propose(actor=None, topic=topic(meeting), content=content)
    day = meeting.held_on or timezone.localdate()
    if status == "proposed":
        return r
    if status == "rejected":
        return resolutions.resolution_reject(actor=None, resolution=r, reason="意见不一")
    r = resolutions.resolution_adopt(actor=None, resolution=r)
    if status == "adopted":
        return r
    r = resolutions.resolution_forward(
        actor=None, resolution=r, forwarded_on=day, forwarded_to="嵩合社区两委会议"
    )
    if status == "forwarded":
        return r
    if status == "not_adopted":
        return resolutions.resolution_decline(actor=None, resolution=r, reason="资金不足")
    r = resolutions.resolution_start(actor=None, resolution=r)
    if status == "in_progress":
        return r
    return resolutions.resolution_complete(actor=None, resolution=r, done_on=day, result="已建成")
