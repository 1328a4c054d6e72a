"""messages_send at scale and its channels: a constant number of queries per chunk of
recipients, one Delivery per chosen channel that is on, jobs of JINGUO_DELIVERY_BATCH."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.inbox.models import Delivery, Message, Preference
from jinguo.inbox.services import Outgoing, messages_send

NOON = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai: no quiet hours


@pytest.fixture(autouse=True)
def _noon():
    with mock.patch("django.utils.timezone.now", return_value=NOON):
        yield


def many_users(org, n, *, start=0):
    users = User.objects.bulk_create(
        [
            User(username=f"many{i:05d}", full_name="多", role=User.Role.GRID_MEMBER, org=org)
            for i in range(start, start + n)
        ]
    )
    ids = list(User.objects.filter(username__startswith="many").values_list("pk", flat=True))
    Preference.objects.bulk_create([Preference(user_id=pk, sms=True) for pk in ids[-n:]])
    return users


def test_sending_to_thousands_costs_queries_per_chunk_not_per_recipient(
    tree, locmem, count_queries
):
    many_users(tree.wushan, 1800)
    ids = list(User.objects.values_list("pk", flat=True))

    def send(source, who):
        messages_send(kind="notice", source=source, outgoing=[Outgoing(pk, "通知") for pk in who])

    small = count_queries(lambda: send("a", ids[:900]))
    large = count_queries(lambda: send("b", ids))
    assert large <= 2 * small + 2
    assert Message.objects.filter(source="b").count() == len(ids)
    assert Delivery.objects.filter(message__source="b", channel="sms").count() == 1800


def test_due_deliveries_are_enqueued_in_batches_after_commit(
    tree, locmem, settings, django_capture_on_commit_callbacks
):
    settings.JINGUO_DELIVERY_BATCH = 100
    many_users(tree.wushan, 250)
    ids = list(User.objects.values_list("pk", flat=True))
    with mock.patch("jinguo.inbox.tasks.deliveries_send.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            messages_send(kind="notice", source="n", outgoing=[Outgoing(pk, "通知") for pk in ids])
        assert delay.call_count == 0
        for callback in callbacks:
            callback()
    assert [len(call.args[0]) for call in delay.call_args_list] == [100, 100, 50]


def test_a_channel_that_is_off_gets_no_delivery(cast, settings, locmem):
    settings.JINGUO_WECOM_BACKEND = ""
    Preference.objects.create(user=cast.wushan_member, sms=False, wecom=True)
    messages_send(kind="notice", source="n", outgoing=[Outgoing(cast.wushan_member.pk, "通知")])
    assert not Delivery.objects.exists()


def test_locmem_backend_collects_what_would_be_sent(
    cast, locmem, django_capture_on_commit_callbacks
):
    cast.wushan_member.phone = "13800000001"
    cast.wushan_member.save(update_fields=["phone"])
    Preference.objects.create(user=cast.wushan_member, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        messages_send(
            kind="notice",
            source="n",
            outgoing=[Outgoing(cast.wushan_member.pk, "会议通知", link="/x/")],
        )
    assert len(locmem) == 1
    assert locmem[0]["to"] == "138****0001" and locmem[0]["address"] == "13800000001"
    assert "会议通知" in locmem[0]["text"] and "请登录巾帼网格查看" in locmem[0]["text"]


def test_quiet_hours_across_midnight_end_the_same_morning_after_midnight():
    from jinguo.inbox.quiet import not_before

    three = dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.UTC)  # 03:00 on the 8th in Shanghai
    noon = dt.datetime(2026, 12, 8, 4, 0, tzinfo=dt.UTC)
    end = not_before(three, dt.time(21, 0), dt.time(7, 30))
    assert end is not None
    assert timezone.localtime(end).isoformat() == "2026-12-08T07:30:00+08:00"
    assert not_before(noon, dt.time(21, 0), dt.time(7, 30)) is None
    assert not_before(three, dt.time(0, 0), dt.time(0, 0)) is None
