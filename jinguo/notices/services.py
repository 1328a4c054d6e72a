"""Writes of notices (通知): send one to the units below the sender's unit, mark it read when
someone of a target unit opens it, remind the units that have not read it. Each writes one
history row and its audit row; only a cadre of the sending unit (or above it) sends and
reminds (orgs.selectors.check_write_at with cadre_only). Tasks are in task_services.

A notice reaches people through their inbox: one message per active user of each target unit
(source "notice:<id>"), and a reminder one more per unread unit's user ("notice:<id>:remind:<n>").
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.common.uploads import IMAGE, PDF, SPREADSHEET, upload_errors
from jinguo.inbox.models import Message
from jinguo.notices.audience import audience_units, send, unit_people
from jinguo.notices.models import Notice, NoticeAttachment, NoticeChange, NoticeTarget
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at

BATCH = 2000
MAX_ATTACHMENTS = 5
ATTACHMENT_KINDS = (PDF, IMAGE, SPREADSHEET)


def _record(
    *,
    actor: User | None,
    notice: Notice,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    target: NoticeTarget | None = None,
) -> None:
    record_change(
        NoticeChange,
        target=notice,
        links={"target": target},
        actor=actor,
        action=action,
        audit_action=f"notice.{action}",
        audit_target=target if target is not None else notice,
        old=old,
        new=new,
    )


def _check_text(title: str, body: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写标题。")]
    elif len(title.strip()) > 100:
        errors["title"] = [_("标题不超过100字。")]
    if not body.strip():
        errors["body"] = [_("请填写正文。")]
    return errors


def _check_attachments(files: Sequence[UploadedFile]) -> list[str]:
    errors = []
    if len(files) > MAX_ATTACHMENTS:
        errors.append(_("附件不超过%(n)s个。") % {"n": MAX_ATTACHMENTS})
    for upload in files:
        errors += [
            f"{upload.name}：{e}" if upload.name else e
            for e in upload_errors(upload, kinds=ATTACHMENT_KINDS)
        ]
    return errors


def notice_send(
    *,
    actor: User,
    org: OrgUnit,
    title: str,
    body: str,
    audience: str,
    level: str = "",
    units: Sequence[OrgUnit] = (),
    attachments: Sequence[UploadedFile] = (),
) -> Notice:
    """A notice from `org` to the units the audience names below it, with its attachments
    (encrypted at rest by the default storage), and a message to each of their people."""
    check_write_at(user=actor, org=org, cadre_only=True)
    errors = _check_text(title, body)
    files = [f for f in attachments if f]
    if attachment_errors := _check_attachments(files):
        errors["attachments"] = attachment_errors
    try:
        unit_rows, unit_ids = audience_units(org=org, audience=audience, level=level, units=units)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    people = unit_people(unit_rows)
    with transaction.atomic():
        notice = Notice.objects.create(
            org=org,
            title=title.strip(),
            body=body.strip(),
            audience=audience,
            level=level if audience == "level" else "",
            created_by=actor,
        )
        for upload in files:
            attachment = NoticeAttachment(
                notice=notice, name=upload.name or "file", size=upload.size or 0, uploaded_by=actor
            )
            attachment.file.save(upload.name or "file", upload, save=False)
            attachment.save()
        NoticeTarget.objects.bulk_create(
            (NoticeTarget(notice=notice, org_id=pk) for pk in unit_ids), batch_size=BATCH
        )
        sent = send(
            kind=Message.Kind.NOTICE,
            source=f"notice:{notice.pk}",
            people=people,
            title=_("通知：%(title)s") % {"title": notice.title},
            body=notice.body,
            link_name="notices:detail",
            link_id=notice.pk,
            sender=actor,
            org=org,
        )
        _record(
            actor=actor,
            notice=notice,
            action=NoticeChange.Action.SEND,
            old={},
            new={
                "title": notice.title,
                "audience": audience,
                "units": len(unit_ids),
                "messages": sent,
                "attachments": [f.name for f in files],
            },
        )
    return notice


def notice_read(*, notice: Notice, user: User) -> bool:
    """Mark the notice read for the user's unit if it is a target and nobody of it has read it
    yet (the first reader, with her time); whether this reading marked it."""
    if not (user.is_authenticated and user.can_write and user.org_id):
        return False
    with transaction.atomic():
        target = (
            NoticeTarget.objects.select_for_update()
            .filter(notice=notice, org_id=user.org_id, read_at=None)
            .first()
        )
        if target is None:
            return False
        target.read_at, target.read_by = timezone.now(), user
        target.save(update_fields=["read_at", "read_by"])
        _record(
            actor=user,
            notice=notice,
            target=target,
            action=NoticeChange.Action.READ,
            old={"read": False},
            new={"read": True},
        )
    return True


def notice_remind(*, actor: User, notice: Notice) -> int:
    """A message to each person of the units that have not read the notice; how many units."""
    check_write_at(user=actor, org=notice.org, cadre_only=True)
    unread = NoticeTarget.objects.filter(notice=notice, read_at=None)
    with transaction.atomic():
        n = notice.changes.filter(action=NoticeChange.Action.REMIND).count() + 1
        units = list(unread.values_list("org_id", flat=True))
        if not units:
            raise ValidationError(_("各单位均已阅读，无需提醒。"))
        count = unread.update(reminded_at=timezone.now())
        sent = send(
            kind=Message.Kind.REMIND,
            source=f"notice:{notice.pk}:remind:{n}",
            people=unit_people(units),
            title=_("请阅读通知：%(title)s") % {"title": notice.title},
            body=notice.body,
            link_name="notices:detail",
            link_id=notice.pk,
            sender=actor,
            org=notice.org,
        )
        _record(
            actor=actor,
            notice=notice,
            action=NoticeChange.Action.REMIND,
            old={},
            new={"reminded": count, "messages": sent, "round": n},
        )
    return count
