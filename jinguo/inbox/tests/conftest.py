import pytest

from jinguo.inbox.backends import reset_backends
from jinguo.inbox.fakes import FakeGateway

SMS = "jinguo.inbox.backends.aliyun.AliyunSmsBackend"
WECOM = "jinguo.inbox.backends.wecom.WecomBackend"


@pytest.fixture
def gateway(settings):
    """The fake SMS and 企业微信 gateway, running, with the HTTP backends pointed at it (short
    timeouts, so that a stall is a timeout)."""
    fake = FakeGateway().start()
    settings.JINGUO_SMS_BACKEND = SMS
    settings.JINGUO_WECOM_BACKEND = WECOM
    settings.JINGUO_SMS_ENDPOINT = fake.url + "/"
    settings.JINGUO_SMS_ACCESS_KEY_ID = fake.key_id
    settings.JINGUO_SMS_ACCESS_KEY_SECRET = fake.secret
    settings.JINGUO_SMS_SIGN_NAME = "巾帼网格"
    settings.JINGUO_SMS_TEMPLATE_CODE = "SMS_0001"
    settings.JINGUO_WECOM_BASE_URL = fake.url
    settings.JINGUO_WECOM_CORP_ID = fake.corp_id
    settings.JINGUO_WECOM_SECRET = fake.corp_secret
    settings.JINGUO_WECOM_AGENT_ID = "1000002"
    settings.JINGUO_GATEWAY_READ_SECONDS = 0.3
    reset_backends()
    yield fake
    fake.stop()
    reset_backends()


@pytest.fixture
def locmem(settings):
    from jinguo.inbox.backends import simple

    settings.JINGUO_SMS_BACKEND = "jinguo.inbox.backends.simple.LocmemBackend"
    settings.JINGUO_WECOM_BACKEND = "jinguo.inbox.backends.simple.LocmemBackend"
    reset_backends()
    simple.outbox.clear()
    yield simple.outbox
    simple.outbox.clear()
    reset_backends()
