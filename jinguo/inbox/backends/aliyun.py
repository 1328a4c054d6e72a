"""SMS over Aliyun's dysmsapi (SendSms, RPC style, signature version 1.0 with HMAC-SHA1), or a
政务 SMS platform that speaks the same API at its own endpoint (JINGUO_SMS_ENDPOINT).

The template (JINGUO_SMS_TEMPLATE_CODE) takes ${title} and ${link}; it reads like
「${title}，请登录巾帼网格查看：${link}」. Nothing else goes into a text message."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

from django.conf import settings

from jinguo.inbox.backends.base import BaseBackend, Envelope, Result, sms_title
from jinguo.inbox.backends.http import GatewayUnavailable, pool, request_json

VERSION = "2017-05-25"
# Codes worth trying again later; any other code is final for that message.
TRANSIENT = {
    "isv.BUSINESS_LIMIT_CONTROL",
    "Throttling.User",
    "isp.SYSTEM_ERROR",
    "isp.RAM_PERMISSION_DENY",
    "isv.OUT_OF_SERVICE",
    "isv.AMOUNT_NOT_ENOUGH",
}
WORDS = {
    "isv.BUSINESS_LIMIT_CONTROL": "发送频率超限",
    "Throttling.User": "发送频率超限",
    "isp.SYSTEM_ERROR": "平台系统错误",
    "isv.OUT_OF_SERVICE": "短信业务停机",
    "isv.AMOUNT_NOT_ENOUGH": "短信账户余额不足",
    "isv.MOBILE_NUMBER_ILLEGAL": "号码格式不正确",
    "isv.MOBILE_COUNT_OVER_LIMIT": "号码数量超限",
    "isv.SMS_SIGNATURE_ILLEGAL": "短信签名不可用",
    "isv.SMS_TEMPLATE_ILLEGAL": "短信模板不可用",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板缺少变量",
    "isv.INVALID_PARAMETERS": "参数错误",
    "isv.BLACK_KEY_CONTROL_LIMIT": "内容含有禁止的词语",
    "isv.DENY_IP_RANGE": "本机地址未获准",
    "SignatureDoesNotMatch": "签名校验失败，请检查访问密钥",
    "InvalidAccessKeyId.NotFound": "访问密钥不存在",
}


def percent(value: str) -> str:
    """Aliyun's POP percent-encoding (RFC 3986: only A-Z a-z 0-9 - _ . ~ unescaped)."""
    return quote(value, safe="~")


def signature(params: dict[str, str], *, secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{percent(k)}={percent(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed(action: str, params: dict[str, str], *, key_id: str, secret: str) -> dict[str, str]:
    """The request's parameters, the common ones and the Signature added."""
    full = {
        "AccessKeyId": key_id,
        "Action": action,
        "Format": "JSON",
        "RegionId": "cn-hangzhou",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": VERSION,
        **params,
    }
    full["Signature"] = signature(full, secret=secret)
    return full


def refusal(code: str) -> tuple[str, bool]:
    """The words of a refusal (code kept) and whether it is worth trying again."""
    words = WORDS.get(code, "未知错误")
    return f"短信平台拒绝：{words} ({code})", code in TRANSIENT


class AliyunSmsBackend(BaseBackend):
    def __init__(self, *, channel: str) -> None:
        super().__init__(channel=channel)
        self.endpoint = settings.JINGUO_SMS_ENDPOINT
        self.key_id = settings.JINGUO_SMS_ACCESS_KEY_ID
        self.secret = settings.JINGUO_SMS_ACCESS_KEY_SECRET
        self.sign_name = settings.JINGUO_SMS_SIGN_NAME
        self.template = settings.JINGUO_SMS_TEMPLATE_CODE
        self.connections = max(int(settings.JINGUO_SMS_CONNECTIONS), 1)
        self.http = pool(maxsize=self.connections)

    def check(self) -> list[str]:
        names = {
            "JINGUO_SMS_ACCESS_KEY_ID": self.key_id,
            "JINGUO_SMS_ACCESS_KEY_SECRET": self.secret,
            "JINGUO_SMS_SIGN_NAME": self.sign_name,
            "JINGUO_SMS_TEMPLATE_CODE": self.template,
        }
        return [name for name, value in names.items() if not value]

    def send_one(self, e: Envelope) -> Result:
        params = {
            "PhoneNumbers": e.address(),
            "SignName": self.sign_name,
            "TemplateCode": self.template,
            "TemplateParam": json.dumps(
                {"title": sms_title(e.title, 20), "link": e.url}, ensure_ascii=False
            ),
        }
        body = urlencode(signed("SendSms", params, key_id=self.key_id, secret=self.secret)).encode()
        del params  # the phone number lives no longer than the request
        try:
            answer = request_json(
                self.http,
                "POST",
                self.endpoint,
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except GatewayUnavailable as exc:
            return Result(e.delivery_id, False, error=f"短信{exc.words}", transient=True)
        code = str(answer.get("Code", ""))
        if code == "OK":
            return Result(e.delivery_id, True, ref=str(answer.get("BizId", "")))
        words, transient = refusal(code or "?")
        return Result(e.delivery_id, False, error=words, transient=transient)

    def send_many(self, envelopes: list[Envelope]) -> list[Result]:
        """One request per message (SendBatchSms answers for the batch as a whole, so one bad
        number would fail them all), JINGUO_SMS_CONNECTIONS at a time."""
        if self.connections <= 1 or len(envelopes) <= 1:
            return [self.send_one(e) for e in envelopes]
        with ThreadPoolExecutor(max_workers=self.connections) as pool_:
            return list(pool_.map(self.send_one, envelopes))
