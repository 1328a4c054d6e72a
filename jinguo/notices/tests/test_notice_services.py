"""A notice from 河沥溪街道 to the units below it: who may send it, to whom it goes, who reads
it first, and the reminder that reaches only the units that have not read it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jinguo.audit.models import AuditEvent
from jinguo.common.crypto import FILE_MAGIC
from jinguo.common.tests.upload_samples import EXE, PDF
from jinguo.inbox.models import Message
from jinguo.notices import services
from jinguo.notices.models import Audience, Notice, NoticeChange, NoticeTarget
from jinguo.orgs.kinds import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def send(cast, tree, **kw) -> Notice:
    values = {
        "actor": cast.township_cadre,
        "org": tree.helixi,
        "title": "关于开展“三八”节走访慰问的通知",
        "body": "请各社区、村于3月8日前完成困难妇女走访慰问。",
        "audience": Audience.LEVEL,
        "level": Kind.COMMUNITY,
        **kw,
    }
    return services.notice_send(**values)


def test_township_cadre_sends_a_notice_to_its_communities(cast, tree):
    notice = send(cast, tree)
    assert list(notice.targets.values_list("org", flat=True)) == [tree.songhe.pk]
    assert NoticeChange.objects.filter(notice=notice, action="send").count() == 1
    assert AuditEvent.objects.filter(action="notice.send").count() == 1


def test_a_notice_to_all_reaches_every_active_unit_below_but_not_the_sender(cast, tree):
    notice = send(cast, tree, audience=Audience.ALL, level="")
    orgs = set(notice.targets.values_list("org", flat=True))
    below = {tree.songhe.pk, tree.wushan.pk, tree.chengjiawan.pk, tree.gangkou.pk}
    assert orgs == below | {tree.gangkou_grid.pk}


def test_each_active_user_of_a_target_unit_gets_one_message(cast, tree):
    notice = send(cast, tree, audience=Audience.ALL, level="")
    got = set(
        Message.objects.filter(source=f"notice:{notice.pk}").values_list("recipient", flat=True)
    )
    assert got == {cast.songhe_chair.pk, cast.wushan_member.pk, cast.gangkou_chair.pk}
    message = Message.objects.get(source=f"notice:{notice.pk}", recipient=cast.songhe_chair)
    assert message.kind == Message.Kind.NOTICE
    assert message.link == f"/notices/{notice.pk}/"


def test_grid_member_cannot_send_a_notice(cast, tree):
    with pytest.raises(PermissionDenied):
        send(cast, tree, actor=cast.wushan_member, org=tree.wushan)


def test_leader_cannot_send_a_notice(cast, tree):
    with pytest.raises(PermissionDenied):
        send(cast, tree, actor=cast.county_leader, org=tree.ningguo)


def test_cadre_cannot_send_from_a_unit_outside_her_own(cast, tree):
    with pytest.raises(PermissionDenied):
        send(cast, tree, actor=cast.langxi_cadre)


def test_chosen_units_must_be_below_the_sending_unit(cast, tree):
    with pytest.raises(ValidationError) as exc:
        send(cast, tree, audience=Audience.CHOSEN, units=[tree.dongmen])
    assert "units" in exc.value.message_dict
    assert not Notice.objects.exists()


def test_a_notice_without_title_is_refused_with_a_chinese_error(cast, tree):
    with pytest.raises(ValidationError) as exc:
        send(cast, tree, title=" ")
    assert exc.value.message_dict["title"] == ["请填写标题。"]


def test_attachments_are_stored_encrypted_and_a_disguised_file_is_refused(cast, tree):
    pdf = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    notice = send(cast, tree, attachments=[pdf])
    attachment = notice.attachments.get()
    with open(attachment.file.path, "rb") as raw:
        assert raw.read(len(FILE_MAGIC)) == FILE_MAGIC
    with pytest.raises(ValidationError):
        send(cast, tree, attachments=[SimpleUploadedFile("a.pdf", EXE)])


def test_first_reader_marks_her_unit_read_and_later_readers_change_nothing(cast, tree):
    notice = send(cast, tree)
    assert services.notice_read(notice=notice, user=cast.songhe_chair) is True
    target = NoticeTarget.objects.get(notice=notice, org=tree.songhe)
    first = target.read_at
    assert target.read_by == cast.songhe_chair
    assert services.notice_read(notice=notice, user=cast.songhe_chair) is False
    target.refresh_from_db()
    assert target.read_at == first
    assert NoticeChange.objects.filter(notice=notice, action="read").count() == 1


def test_a_reader_outside_the_targets_marks_nothing(cast, tree):
    notice = send(cast, tree)
    assert services.notice_read(notice=notice, user=cast.gangkou_chair) is False
    assert services.notice_read(notice=notice, user=cast.township_cadre) is False
    assert services.notice_read(notice=notice, user=cast.county_leader) is False


def test_reminder_messages_only_the_people_of_units_that_have_not_read(cast, tree):
    notice = send(cast, tree, audience=Audience.ALL, level="")
    services.notice_read(notice=notice, user=cast.songhe_chair)
    assert services.notice_remind(actor=cast.township_cadre, notice=notice) == 4
    reminded = set(
        Message.objects.filter(source=f"notice:{notice.pk}:remind:1").values_list(
            "recipient", flat=True
        )
    )
    assert reminded == {cast.wushan_member.pk, cast.gangkou_chair.pk}
    assert not NoticeTarget.objects.get(notice=notice, org=tree.songhe).reminded_at
    services.notice_remind(actor=cast.township_cadre, notice=notice)
    assert Message.objects.filter(source=f"notice:{notice.pk}:remind:2").count() == 2


def test_only_the_sender_side_reminds(cast, tree):
    notice = send(cast, tree)
    with pytest.raises(PermissionDenied):
        services.notice_remind(actor=cast.songhe_chair, notice=notice)
