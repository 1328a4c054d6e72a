"""A task from 河沥溪街道: to its communities and villages, or to a named executive; returned done
with text, photos and the records made for it; sent back, reminded, closed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.common.crypto import FILE_MAGIC
from jinguo.common.tests.upload_samples import HTML, JPEG
from jinguo.inbox.models import Message
from jinguo.meetings.tests.factories import plan
from jinguo.notices import task_services as services
from jinguo.notices.models import Audience, Task, TaskChange, TaskRecipient
from jinguo.notices.selectors import recipient_state, task_receipts
from jinguo.orgs.kinds import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def create(cast, tree, **kw) -> Task:
    values = {
        "actor": cast.township_cadre,
        "org": tree.helixi,
        "title": "摸排辖区困境儿童",
        "body": "请各社区、村摸排困境儿童情况，反馈名单和走访照片。",
        "deadline": timezone.localdate() + dt.timedelta(days=5),
        "audience": Audience.CHOSEN,
        "units": [tree.songhe, tree.gangkou],
        **kw,
    }
    return services.task_create(**values)


def recipient(task, org) -> TaskRecipient:
    return TaskRecipient.objects.get(task=task, org=org, user=None)


def test_township_cadre_sends_a_task_to_two_units_and_their_people_hear_of_it(cast, tree):
    task = create(cast, tree)
    assert task.recipients.count() == 2
    got = set(Message.objects.filter(source=f"task:{task.pk}").values_list("recipient", flat=True))
    assert got == {cast.songhe_chair.pk, cast.gangkou_chair.pk}
    assert TaskChange.objects.filter(task=task, action="create").count() == 1
    assert AuditEvent.objects.filter(action="task.create").exists()


def test_a_task_to_a_level_reaches_units_of_that_kind(cast, tree):
    task = create(cast, tree, audience=Audience.LEVEL, level=Kind.GRID, units=[])
    orgs = set(task.recipients.values_list("org", flat=True))
    assert orgs == {tree.wushan.pk, tree.chengjiawan.pk, tree.gangkou_grid.pk}


def test_a_task_to_a_named_executive_is_hers_alone(cast, tree):
    task = create(cast, tree, audience=Audience.PEOPLE, units=[], people=[cast.wushan_member])
    row = task.recipients.get()
    assert (row.org_id, row.user_id) == (tree.wushan.pk, cast.wushan_member.pk)
    assert not services.may_return(user=cast.songhe_chair, recipient=row)
    assert services.may_return(user=cast.wushan_member, recipient=row)


def test_a_named_executive_must_be_below_the_sending_unit(cast, tree):
    with pytest.raises(ValidationError) as exc:
        create(cast, tree, audience=Audience.PEOPLE, units=[], people=[cast.langxi_cadre])
    assert "people" in exc.value.message_dict


def test_grid_member_cannot_send_a_task(cast, tree):
    with pytest.raises(PermissionDenied):
        create(cast, tree, actor=cast.wushan_member, org=tree.wushan)


def test_a_deadline_in_the_past_is_refused(cast, tree):
    with pytest.raises(ValidationError) as exc:
        create(cast, tree, deadline=timezone.localdate() - dt.timedelta(days=1))
    assert "deadline" in exc.value.message_dict


def test_community_returns_the_task_with_text_and_a_meeting_it_held(cast, tree):
    task = create(cast, tree)
    meeting = plan(tree.songhe, title="困境儿童摸排部署会")
    row = services.task_return(
        actor=cast.songhe_chair,
        recipient=recipient(task, tree.songhe),
        text="已摸排困境儿童3名，名单已报。",
        records=[{"kind": "meeting", "id": meeting.pk}],
    )
    assert row.status == TaskRecipient.Status.DONE
    assert row.records == [{"kind": "meeting", "id": meeting.pk}]
    assert row.done_by == cast.songhe_chair
    assert recipient_state(row) == "done"
    assert TaskChange.objects.filter(task=task, action="return", recipient=row).count() == 1


def test_a_record_outside_the_returners_scope_is_refused(cast, tree):
    task = create(cast, tree)
    meeting = plan(tree.gangkou, title="港口村会议")
    with pytest.raises(ValidationError) as exc:
        services.task_return(
            actor=cast.songhe_chair,
            recipient=recipient(task, tree.songhe),
            text="",
            records=[{"kind": "meeting", "id": meeting.pk}],
        )
    assert "records" in exc.value.message_dict
    assert recipient(task, tree.songhe).status == TaskRecipient.Status.PENDING


def test_another_unit_cannot_return_a_units_task(cast, tree):
    task = create(cast, tree)
    with pytest.raises(PermissionDenied):
        services.task_return(
            actor=cast.gangkou_chair, recipient=recipient(task, tree.songhe), text="完成"
        )


def test_an_empty_return_is_refused(cast, tree):
    task = create(cast, tree)
    with pytest.raises(ValidationError) as exc:
        services.task_return(
            actor=cast.songhe_chair, recipient=recipient(task, tree.songhe), text=""
        )
    assert "text" in exc.value.message_dict


def test_photos_are_reencoded_and_encrypted_and_a_disguised_one_is_refused(cast, tree):
    task = create(cast, tree, photos=Task.Photos.REQUIRED)
    row = recipient(task, tree.songhe)
    with pytest.raises(ValidationError) as exc:
        services.task_return(actor=cast.songhe_chair, recipient=row, text="已完成")
    assert "photos" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.task_return(
            actor=cast.songhe_chair,
            recipient=row,
            text="已完成",
            photos=[SimpleUploadedFile("a.jpg", HTML)],
        )
    services.task_return(
        actor=cast.songhe_chair,
        recipient=row,
        text="已完成",
        photos=[SimpleUploadedFile("走访.jpg", JPEG, content_type="image/jpeg")],
    )
    photo = row.photos.get()
    with open(photo.file.path, "rb") as raw:
        assert raw.read(len(FILE_MAGIC)) == FILE_MAGIC


def test_sender_sends_a_return_back_and_it_is_pending_again(cast, tree):
    task = create(cast, tree)
    row = services.task_return(
        actor=cast.songhe_chair, recipient=recipient(task, tree.songhe), text="完成"
    )
    with pytest.raises(ValidationError):
        services.task_reopen(actor=cast.township_cadre, recipient=row, reason=" ")
    services.task_reopen(actor=cast.township_cadre, recipient=row, reason="名单不全，请补充。")
    row.refresh_from_db()
    assert row.status == TaskRecipient.Status.PENDING
    assert row.text == "完成"
    with pytest.raises(PermissionDenied):
        services.task_reopen(actor=cast.songhe_chair, recipient=row, reason="x")


def test_reminder_reaches_only_the_pending_recipients(cast, tree):
    task = create(cast, tree)
    services.task_return(
        actor=cast.songhe_chair, recipient=recipient(task, tree.songhe), text="完成"
    )
    assert services.task_remind(actor=cast.township_cadre, task=task) == 1
    got = set(
        Message.objects.filter(source=f"task:{task.pk}:remind:1").values_list(
            "recipient", flat=True
        )
    )
    assert got == {cast.gangkou_chair.pk}
    assert recipient(task, tree.gangkou).reminded_at is not None
    assert recipient(task, tree.songhe).reminded_at is None


def test_a_closed_task_takes_no_return(cast, tree):
    task = create(cast, tree)
    services.task_close(actor=cast.township_cadre, task=task)
    with pytest.raises(ValidationError):
        services.task_return(
            actor=cast.songhe_chair, recipient=recipient(task, tree.songhe), text="完成"
        )


def test_receipts_say_done_late_and_not_started_and_the_counts_equal_the_rows(cast, tree):
    task = create(cast, tree, audience=Audience.ALL, units=[])
    services.task_return(
        actor=cast.songhe_chair, recipient=recipient(task, tree.songhe), text="完成"
    )
    before = task_receipts(user=cast.township_cadre, task=task)
    assert before.counts == {"total": 5, "done": 1, "late": 0, "pending": 4}
    after_deadline = timezone.now() + dt.timedelta(days=7)
    late = task_receipts(user=cast.township_cadre, task=task, now=after_deadline)
    assert late.counts == {"total": 5, "done": 1, "late": 4, "pending": 0}
    for state in ("done", "late", "pending"):
        rows = task_receipts(user=cast.township_cadre, task=task, state=state, now=after_deadline)
        assert len(rows.page.object_list) == late.counts[state]
        assert {r.state for r in rows.page.object_list} <= {state}


def test_a_recipient_sees_only_her_own_units_receipts(cast, tree):
    task = create(cast, tree)
    mine = task_receipts(user=cast.songhe_chair, task=task)
    assert [r.org_id for r in mine.page.object_list] == [tree.songhe.pk]
