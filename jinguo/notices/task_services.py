"""Writes of tasks (任务): create one for the units below the sender's unit or for named
executives below it, return it done (text, photos, records made for it), send a return back
(reopen), remind the recipients still pending, close the task. Each writes one history row and
its audit row. A cadre of the sending unit creates, reopens, reminds and closes; a recipient
unit's writers (or the named executive herself) return it.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.common.uploads import photo_errors
from jinguo.inbox.models import Message
from jinguo.notices.audience import audience_people, audience_units, send, unit_people
from jinguo.notices.models import Audience, Task, TaskChange, TaskPhoto, TaskRecipient
from jinguo.notices.records import checked_records
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at, may_write_at

BATCH = 2000
MAX_PHOTOS = 9
MAX_TEXT = 2000


def _record(
    *,
    actor: User | None,
    task: Task,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    recipient: TaskRecipient | None = None,
    note: str = "",
) -> None:
    record_change(
        TaskChange,
        target=task,
        links={"recipient": recipient},
        actor=actor,
        action=action,
        audit_action=f"task.{action}",
        audit_target=recipient if recipient is not None else task,
        old=old,
        new=new,
        note=note,
    )


def _check_task(title: str, body: str, deadline: dt.date, photos: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写任务名称。")]
    if not body.strip():
        errors["body"] = [_("请填写任务要求。")]
    if deadline < timezone.localdate():
        errors["deadline"] = [_("完成期限不能早于今天。")]
    if photos not in Task.Photos.values:
        errors["photos"] = [_("请选择是否需要附照片。")]
    return errors


def _recipients(
    *,
    org: OrgUnit,
    audience: str,
    level: str,
    units: Sequence[OrgUnit],
    people: Sequence[User],
) -> tuple[list[TaskRecipient], list[int]]:
    """The recipients' rows (unsaved) and the people to message."""
    if audience == Audience.PEOPLE:
        chosen = audience_people(org=org, people=people)
        rows = [TaskRecipient(org_id=cast(int, p.org_id), user=p) for p in chosen]
        return rows, [p.pk for p in chosen]
    unit_rows, unit_ids = audience_units(org=org, audience=audience, level=level, units=units)
    return [TaskRecipient(org_id=pk) for pk in unit_ids], unit_people(unit_rows)


def task_create(
    *,
    actor: User,
    org: OrgUnit,
    title: str,
    body: str,
    deadline: dt.date,
    audience: str,
    level: str = "",
    units: Sequence[OrgUnit] = (),
    people: Sequence[User] = (),
    photos: str = Task.Photos.OPTIONAL,
) -> Task:
    """A task from `org` by `deadline`, to units below it or to named executives below it,
    and a message to each person who must do it."""
    check_write_at(user=actor, org=org, cadre_only=True)
    errors = _check_task(title, body, deadline, photos)
    rows: list[TaskRecipient] = []
    to_message: list[int] = []
    try:
        rows, to_message = _recipients(
            org=org, audience=audience, level=level, units=units, people=people
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = Task.objects.create(
            org=org,
            title=title.strip(),
            body=body.strip(),
            deadline=deadline,
            audience=audience,
            level=level if audience == Audience.LEVEL else "",
            photos=photos,
            created_by=actor,
        )
        for row in rows:
            row.task = task
        TaskRecipient.objects.bulk_create(rows, batch_size=BATCH)
        sent = send(
            kind=Message.Kind.TASK,
            source=f"task:{task.pk}",
            people=to_message,
            title=_("任务：%(title)s（%(d)s前完成）")
            % {"title": task.title, "d": deadline.isoformat()},
            body=task.body,
            link_name="notices:task",
            link_id=task.pk,
            sender=actor,
            org=org,
        )
        _record(
            actor=actor,
            task=task,
            action=TaskChange.Action.CREATE,
            old={},
            new={
                "title": task.title,
                "audience": audience,
                "recipients": len(rows),
                "deadline": deadline.isoformat(),
                "messages": sent,
            },
        )
    return task


def may_return(*, user: User, recipient: TaskRecipient) -> bool:
    """A named executive returns her own task; a unit's task, the unit's writers."""
    if recipient.user_id is not None:
        return user.pk == recipient.user_id and user.can_write
    return may_write_at(user=user, org=recipient.org)


def _check_photos(task: Task, have: int, files: Sequence[UploadedFile]) -> list[str]:
    if files and task.photos == Task.Photos.NONE:
        return [_("本任务不需要附照片。")]
    if have + len(files) > MAX_PHOTOS:
        return [_("最多附%(n)s张照片。") % {"n": MAX_PHOTOS}]
    errors: list[str] = []
    for upload in files:
        errors += [f"{upload.name}：{e}" if upload.name else e for e in photo_errors(upload)]
    if task.photos == Task.Photos.REQUIRED and not (have or files):
        errors.append(_("本任务须附照片：请至少添加一张照片后再反馈。"))
    return errors


@transaction.atomic
def task_return(
    *,
    actor: User,
    recipient: TaskRecipient,
    text: str,
    records: Sequence[dict[str, Any]] = (),
    photos: Sequence[UploadedFile] = (),
) -> TaskRecipient:
    """Mark the task done for `recipient` with its return: what was done, photos (re-encoded,
    encrypted at rest) and the records made for it (visits, meetings, activities the actor may
    see)."""
    recipient = (
        TaskRecipient.objects.select_for_update()
        .select_related("task__org", "org")
        .get(pk=recipient.pk)
    )
    if not may_return(user=actor, recipient=recipient):
        raise PermissionDenied
    task = recipient.task
    if task.status != Task.Status.OPEN:
        raise ValidationError(_("该任务已结束。"))
    if recipient.status == TaskRecipient.Status.DONE:
        raise ValidationError(_("已反馈完成，待发起单位退回后方可修改。"))
    files = [f for f in photos if f]
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if len(text) > MAX_TEXT:
        errors["text"] = [_("完成情况不超过%(n)s字。") % {"n": MAX_TEXT}]
    try:
        links = checked_records(user=actor, records=records)
    except ValidationError as exc:
        errors["records"] = exc.messages
        links = []
    have = recipient.photos.count()
    if photo_problems := _check_photos(task, have, files):
        errors["photos"] = photo_problems
    if not (text or links or files or have) and "text" not in errors:
        errors["text"] = [_("请填写完成情况，或附照片、关联记录。")]
    if errors:
        raise ValidationError(errors)
    for upload in files:
        photo = TaskPhoto(recipient=recipient, uploaded_by=actor)
        photo.file.save(upload.name or "photo.jpg", upload, save=False)
        photo.save()
    recipient.status = TaskRecipient.Status.DONE
    recipient.text, recipient.records = text, links
    recipient.done_at, recipient.done_by = timezone.now(), actor
    recipient.save(update_fields=["status", "text", "records", "done_at", "done_by"])
    _record(
        actor=actor,
        task=task,
        recipient=recipient,
        action=TaskChange.Action.RETURN,
        old={"status": TaskRecipient.Status.PENDING},
        new={
            "status": recipient.status,
            "text": text,
            "records": links,
            "photos": have + len(files),
        },
    )
    return recipient


@transaction.atomic
def task_reopen(*, actor: User, recipient: TaskRecipient, reason: str) -> TaskRecipient:
    """The sender sends a return back: the recipient must do it again (her return is kept)."""
    recipient = (
        TaskRecipient.objects.select_for_update().select_related("task__org").get(pk=recipient.pk)
    )
    task = recipient.task
    check_write_at(user=actor, org=task.org, cadre_only=True)
    if not reason.strip():
        raise ValidationError({"reason": [_("退回须写明原因。")]})
    if task.status != Task.Status.OPEN:
        raise ValidationError(_("该任务已结束。"))
    if recipient.status != TaskRecipient.Status.DONE:
        raise ValidationError(_("尚未反馈，无需退回。"))
    recipient.status, recipient.done_at, recipient.done_by = (
        TaskRecipient.Status.PENDING,
        None,
        None,
    )
    recipient.save(update_fields=["status", "done_at", "done_by"])
    _record(
        actor=actor,
        task=task,
        recipient=recipient,
        action=TaskChange.Action.REOPEN,
        old={"status": TaskRecipient.Status.DONE},
        new={"status": recipient.status},
        note=reason.strip()[:500],
    )
    return recipient


def task_remind(*, actor: User, task: Task) -> int:
    """A message to each person of the recipients still pending; how many recipients."""
    check_write_at(user=actor, org=task.org, cadre_only=True)
    if task.status != Task.Status.OPEN:
        raise ValidationError(_("该任务已结束。"))
    pending = TaskRecipient.objects.filter(task=task, status=TaskRecipient.Status.PENDING)
    rows = list(pending.values_list("org_id", "user_id"))
    if not rows:
        raise ValidationError(_("各承办方均已完成，无需催办。"))
    people = [u for _o, u in rows if u is not None]
    people += (
        unit_people([o for o, u in rows if u is None]) if any(u is None for _o, u in rows) else []
    )
    with transaction.atomic():
        n = task.changes.filter(action=TaskChange.Action.REMIND).count() + 1
        count = pending.update(reminded_at=timezone.now())
        sent = send(
            kind=Message.Kind.REMIND,
            source=f"task:{task.pk}:remind:{n}",
            people=sorted(set(people)),
            title=_("催办：%(title)s（%(d)s前完成）")
            % {"title": task.title, "d": task.deadline.isoformat()},
            body=task.body,
            link_name="notices:task",
            link_id=task.pk,
            sender=actor,
            org=task.org,
        )
        _record(
            actor=actor,
            task=task,
            action=TaskChange.Action.REMIND,
            old={},
            new={"reminded": count, "messages": sent, "round": n},
        )
    return count


def task_close(*, actor: User, task: Task) -> Task:
    check_write_at(user=actor, org=task.org, cadre_only=True)
    if task.status == Task.Status.CLOSED:
        raise ValidationError(_("该任务已结束。"))
    task.status = Task.Status.CLOSED
    task.save(update_fields=["status"])
    _record(
        actor=actor,
        task=task,
        action=TaskChange.Action.CLOSE,
        old={"status": Task.Status.OPEN},
        new={"status": Task.Status.CLOSED},
    )
    return task
