"""Deliveries through the real HTTP backends against the fake gateway: sent, refused, retried,
timed out, the 企业微信 token refreshed, quiet hours, sending twice, phones decrypted only to
send."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from jinguo.common import crypto
from jinguo.inbox import delivery
from jinguo.inbox.models import Delivery, Preference
from jinguo.inbox.services import Outgoing, messages_send
from jinguo.inbox.tasks import deliveries_release

NOON = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
NIGHT = dt.datetime(2026, 12, 7, 14, 0, tzinfo=dt.UTC)  # 22:00 in Shanghai


def choose(user, *, sms=False, wecom=False, phone="13800000001", wecom_user=""):
    if phone is not None:
        user.phone = phone
        user.save(update_fields=["phone"])
    Preference.objects.update_or_create(
        user=user, defaults={"sms": sms, "wecom": wecom, "wecom_user": wecom_user}
    )


def send(users, *, source="notice:1", title="关于开展巾帼志愿服务的通知", when=NOON, capture=None):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return messages_send(
            kind="notice",
            source=source,
            outgoing=[Outgoing(recipient_id=u.pk, title=title, link="/notices/1/") for u in users],
        )


def run_all():
    """What the queue would run: every due delivery, as deliveries_release finds them."""
    return delivery.deliver(delivery.release_due(now=timezone.now() + dt.timedelta(hours=1)))


def states():
    return sorted(Delivery.objects.values_list("channel", "state", "error"))


def test_a_chosen_sms_goes_out_signed_and_is_marked_sent(
    gateway, cast, django_capture_on_commit_callbacks
):
    choose(cast.wushan_member, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert send([cast.wushan_member]) == 1
    d = Delivery.objects.get()
    assert (d.state, d.attempts, d.error) == ("sent", 1, "")
    assert d.provider_ref and d.sent_at
    params = gateway.received["sms"][0]
    assert params["PhoneNumbers"] == "13800000001"
    assert params["TemplateCode"] == "SMS_0001"
    assert "关于开展巾帼志愿服务" in params["TemplateParam"]


def test_no_preference_means_the_inbox_only(gateway, cast):
    assert send([cast.wushan_member]) == 1
    assert Delivery.objects.count() == 0


def test_a_wecom_card_goes_to_her_wecom_id_and_to_her_account_name_by_default(gateway, cast):
    choose(cast.wushan_member, wecom=True, wecom_user="WangXL")
    choose(cast.songhe_chair, wecom=True)
    send([cast.wushan_member, cast.songhe_chair])
    run_all()
    assert [s for _c, s, _e in states()] == ["sent", "sent"]
    body = gateway.received["wecom"][0]
    assert sorted(body["touser"].split("|")) == ["WangXL", "songhe_chair"]
    assert body["msgtype"] == "textcard" and body["agentid"] == 1000002
    assert body["textcard"]["url"].endswith("/notices/1/")
    assert gateway.count["token"] == 1


def test_an_illegal_number_fails_with_the_reason_in_chinese_and_no_phone(gateway, cast):
    choose(cast.wushan_member, sms=True, phone="12345")
    send([cast.wushan_member])
    run_all()
    d = Delivery.objects.get()
    assert d.state == "failed"
    assert d.error == "短信平台拒绝：号码格式不正确 (isv.MOBILE_NUMBER_ILLEGAL)"


def test_a_recipient_without_a_phone_fails_with_a_reason_not_an_exception(gateway, cast):
    choose(cast.wushan_member, sms=True, phone="")
    send([cast.wushan_member])
    run_all()
    assert states() == [("sms", "failed", delivery.NO_PHONE)]
    assert gateway.count["sms"] == 0


def test_a_rate_limit_is_retried_with_backoff_then_sent(gateway, cast):
    choose(cast.wushan_member, sms=True)
    gateway.script("sms", "isv.BUSINESS_LIMIT_CONTROL")
    send([cast.wushan_member])
    run_all()
    d = Delivery.objects.get()
    assert d.state == "retrying" and d.attempts == 1
    assert "发送频率超限 (isv.BUSINESS_LIMIT_CONTROL)" in d.error
    assert d.not_before is not None
    assert d.not_before > timezone.now() + dt.timedelta(seconds=20)
    # not due yet: a job now sends nothing
    assert delivery.deliver([d.pk]).sent == 0
    run_all()
    d.refresh_from_db()
    assert (d.state, d.attempts, d.error) == ("sent", 2, "")


@pytest.mark.parametrize("answer", [("status", 500), ("stall", 1.0)])
def test_a_server_error_or_a_timeout_is_retried_and_fails_when_attempts_run_out(
    gateway, cast, settings, answer
):
    settings.JINGUO_DELIVERY_MAX_ATTEMPTS = 2
    choose(cast.wushan_member, sms=True)
    gateway.script("sms", answer, answer)
    send([cast.wushan_member])
    run_all()
    assert Delivery.objects.get().state == "retrying"
    run_all()
    d = Delivery.objects.get()
    assert (d.state, d.attempts) == ("failed", 2)
    assert d.error == (
        "短信平台暂时故障 (HTTP 500)" if answer[0] == "status" else "短信平台无应答（超时）"
    )


def test_an_expired_wecom_token_is_refreshed_and_the_message_sent(gateway, cast):
    choose(cast.wushan_member, wecom=True)
    choose(cast.songhe_chair, wecom=True)
    send([cast.wushan_member], source="notice:1")
    run_all()
    gateway.expire_tokens()
    send([cast.songhe_chair], source="notice:2")
    run_all()
    assert [s for _c, s, _e in states()] == ["sent", "sent"]
    assert gateway.count["token"] == 2


def test_a_wecom_user_unknown_there_fails_and_the_others_are_sent(gateway, cast):
    choose(cast.wushan_member, wecom=True)
    choose(cast.songhe_chair, wecom=True)
    gateway.unknown_users.add("songhe_chair")
    send([cast.wushan_member, cast.songhe_chair])
    run_all()
    by_user = dict(Delivery.objects.values_list("message__recipient__username", "state"))
    assert by_user == {"wushan_member": "sent", "songhe_chair": "failed"}


def test_a_wrong_secret_fails_without_retrying(gateway, cast, settings):
    settings.JINGUO_SMS_ACCESS_KEY_SECRET = "wrong"
    from jinguo.inbox.backends import reset_backends

    reset_backends()
    choose(cast.wushan_member, sms=True)
    send([cast.wushan_member])
    run_all()
    assert states() == [
        ("sms", "failed", "短信平台拒绝：签名校验失败，请检查访问密钥 (SignatureDoesNotMatch)")
    ]


def test_quiet_hours_hold_the_delivery_until_they_end(gateway, cast):
    choose(cast.wushan_member, sms=True)
    send([cast.wushan_member], when=NIGHT)
    d = Delivery.objects.get()
    assert d.not_before is not None
    assert timezone.localtime(d.not_before).time() == dt.time(7, 30)
    assert timezone.localtime(d.not_before).date() == dt.date(2026, 12, 8)
    assert delivery.release_due(now=NIGHT + dt.timedelta(hours=1)) == []
    assert delivery.release_due(now=d.not_before) == [d.pk]


def test_sending_again_adds_nothing_and_a_job_run_twice_sends_once(gateway, cast):
    choose(cast.wushan_member, sms=True)
    assert send([cast.wushan_member]) == 1
    assert send([cast.wushan_member]) == 0
    ids = list(Delivery.objects.values_list("pk", flat=True))
    first, second = delivery.deliver(ids), delivery.deliver(ids)
    assert (first.sent, second.sent) == (1, 0)
    assert len(gateway.received["sms"]) == 1


def test_two_workers_claiming_the_same_batch_send_each_delivery_once(gateway, cast):
    choose(cast.wushan_member, sms=True)
    send([cast.wushan_member])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    now = timezone.now()
    one, two = delivery.claim(ids, now=now), delivery.claim(ids, now=now)
    assert Delivery.objects.filter(claim=one).count() == 1
    assert Delivery.objects.filter(claim=two).count() == 0


def test_a_lost_job_is_released_again(gateway, cast, settings):
    choose(cast.wushan_member, sms=True)
    send([cast.wushan_member])  # no commit in this test: its job was never enqueued
    later = timezone.now() + dt.timedelta(minutes=settings.JINGUO_DELIVERY_LOST_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert deliveries_release() == 1
    assert Delivery.objects.get().state == "sent"


def test_phones_are_decrypted_only_by_the_backend_at_sending(gateway, cast):
    choose(cast.wushan_member, sms=True)
    with mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as decrypt:
        send([cast.wushan_member])
        ids = list(Delivery.objects.values_list("pk", flat=True))
        token = delivery.claim(ids, now=timezone.now())
        delivery.envelopes(token)
        assert decrypt.call_count == 0
    with mock.patch.object(crypto, "decrypt", wraps=crypto.decrypt) as decrypt:
        run_all()
        assert decrypt.call_count == 1


def test_with_a_broker_a_transient_failure_is_enqueued_again_after_its_backoff(
    gateway, cast, settings
):
    from jinguo.inbox.tasks import deliveries_send

    settings.CELERY_TASK_ALWAYS_EAGER = False
    choose(cast.wushan_member, sms=True)
    gateway.script("sms", "isv.BUSINESS_LIMIT_CONTROL")
    send([cast.wushan_member])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    with mock.patch.object(deliveries_send, "apply_async") as later:
        assert deliveries_send(ids) == {"sent": 0, "failed": 0, "retrying": 1}
    later.assert_called_once_with(args=(ids,), countdown=30)


def test_a_backend_that_breaks_leaves_the_delivery_retrying_not_stuck(gateway, cast):
    choose(cast.wushan_member, sms=True)
    send([cast.wushan_member])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    with mock.patch(
        "jinguo.inbox.backends.aliyun.AliyunSmsBackend.send_many", side_effect=RuntimeError
    ):
        delivery.deliver(ids)
    assert states() == [("sms", "retrying", delivery.BROKEN)]


def test_a_token_that_cannot_be_had_leaves_the_card_retrying(gateway, cast):
    choose(cast.wushan_member, wecom=True)
    gateway.script("token", ("status", 502))
    send([cast.wushan_member])
    run_all()
    assert states() == [("wecom", "retrying", "企业微信平台暂时故障 (HTTP 502)")]
    run_all()
    assert [s for _c, s, _e in states()] == ["sent"]


def test_a_wrong_corp_secret_fails_the_card(gateway, cast, settings):
    settings.JINGUO_WECOM_SECRET = "wrong"
    from jinguo.inbox.backends import reset_backends

    reset_backends()
    choose(cast.wushan_member, wecom=True)
    send([cast.wushan_member])
    run_all()
    assert states() == [("wecom", "failed", "企业微信拒绝：应用密钥不正确 (40001)")]
