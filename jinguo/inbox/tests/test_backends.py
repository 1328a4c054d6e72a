"""Backends as settings name them: the console and file ones print masked numbers; an HTTP
backend without its key refuses to start, and the system check says so."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from jinguo.common import crypto
from jinguo.inbox.backends import get_backend, reset_backends
from jinguo.inbox.backends.base import Envelope, sms_text, sms_title
from jinguo.inbox.checks import channels_configured, channels_for_production


@pytest.fixture(autouse=True)
def _fresh():
    reset_backends()
    yield
    reset_backends()


def test_the_file_backend_writes_a_line_per_message_with_the_number_masked(settings, tmp_path):
    settings.JINGUO_SMS_BACKEND = "jinguo.inbox.backends.simple.FileBackend"
    settings.JINGUO_MESSAGE_FILE_PATH = str(tmp_path)
    envelope = Envelope(1, crypto.encrypt("13800000001"), "通知", "http://x/", encrypted=True)
    assert get_backend("sms").send_many([envelope])[0].ok
    (written,) = tmp_path.iterdir()
    line = json.loads(written.read_text(encoding="utf-8"))
    assert line["to"] == "138****0001"
    assert "13800000001" not in written.read_text(encoding="utf-8")


def test_an_http_backend_without_its_key_refuses_to_start(settings):
    settings.JINGUO_SMS_BACKEND = "jinguo.inbox.backends.aliyun.AliyunSmsBackend"
    settings.JINGUO_SMS_ACCESS_KEY_ID = ""
    settings.JINGUO_SMS_ACCESS_KEY_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="JINGUO_SMS_ACCESS_KEY_SECRET"):
        get_backend("sms")
    assert [e.id for e in channels_configured()] == ["inbox.E001"]


def test_production_is_warned_of_a_console_backend_and_told_of_a_channel_off(settings):
    settings.DEBUG = False
    settings.JINGUO_SMS_BACKEND = "jinguo.inbox.backends.simple.ConsoleBackend"
    settings.JINGUO_WECOM_BACKEND = ""
    assert sorted(str(w.id) for w in channels_for_production()) == ["inbox.I001", "inbox.W001"]


def test_a_long_title_is_cut_after_its_last_whole_clause_in_a_text_message():
    title = "今日提醒：3 户超期未走访，1 个会议明天召开，1 个心愿超过14天无人认领"
    assert sms_text(title, "https://x/inbox/") == (
        "今日提醒：3 户超期未走访，1 个会议明天召开…，请登录巾帼网格查看：https://x/inbox/"
    )
    assert sms_title(title, 20) == "今日提醒：3 户超期未走访…"
    assert sms_title("会议通知") == "会议通知"
    assert len(sms_title("一" * 50)) == 30  # no clause to cut at: cut, and marked
