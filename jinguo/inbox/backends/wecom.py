"""企业微信 / 政务微信 application messages (JINGUO_WECOM_BASE_URL: 政务微信 has its own host).

GET /cgi-bin/gettoken?corpid=…&corpsecret=… gives an access_token, kept until shortly before its
expires_in; an answer of 40014 (invalid) or 42001 (expired) fetches a new one and sends again,
once. POST /cgi-bin/message/send?access_token=… with a textcard (title, description, url,
agentid) to up to 1,000 users at once (touser "a|b|c"); the users it names in `invaliduser` fail,
the others are sent under the answer's msgid."""

import json
import threading
import time
from collections import defaultdict

from django.conf import settings

from jinguo.inbox.backends.base import SMS_SUFFIX, BaseBackend, Envelope, Result
from jinguo.inbox.backends.http import GatewayUnavailable, pool, request_json

TOKEN_STALE = {40014, 42001}
TRANSIENT = {-1, 45009, 45033, 40014, 42001}
WORDS = {
    -1: "平台繁忙",
    40001: "应用密钥不正确",
    40013: "企业号不正确",
    40014: "访问令牌无效",
    42001: "访问令牌已过期",
    40056: "应用编号不正确",
    45009: "调用频率超限",
    45033: "并发调用超限",
    60020: "本机地址未获准",
    81013: "账号不存在或不在应用可见范围内",
}
PER_REQUEST = 1000


def refusal(errcode: int) -> tuple[str, bool]:
    words = WORDS.get(errcode, "未知错误")
    return f"企业微信拒绝：{words} ({errcode})", errcode in TRANSIENT


class WecomBackend(BaseBackend):
    def __init__(self, *, channel: str) -> None:
        super().__init__(channel=channel)
        self.base = settings.JINGUO_WECOM_BASE_URL.rstrip("/")
        self.corp_id = settings.JINGUO_WECOM_CORP_ID
        self.secret = settings.JINGUO_WECOM_SECRET
        self.agent_id = settings.JINGUO_WECOM_AGENT_ID
        self.http = pool()
        self._token = ""
        self._token_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> list[str]:
        names = {
            "JINGUO_WECOM_CORP_ID": self.corp_id,
            "JINGUO_WECOM_SECRET": self.secret,
            "JINGUO_WECOM_AGENT_ID": self.agent_id,
        }
        return [name for name, value in names.items() if not value]

    def token(self, *, fresh: bool = False) -> str:
        """The access token (GatewayUnavailable, or RuntimeError with the refusal's words)."""
        with self._lock:
            if fresh or not self._token or time.monotonic() >= self._token_until:
                answer = request_json(
                    self.http,
                    "GET",
                    f"{self.base}/cgi-bin/gettoken",
                    fields={"corpid": self.corp_id, "corpsecret": self.secret},
                )
                errcode = int(answer.get("errcode", 0) or 0)
                if errcode or not answer.get("access_token"):
                    raise TokenRefused(errcode)
                self._token = str(answer["access_token"])
                # a minute early, so that a token never expires between check and use
                self._token_until = time.monotonic() + int(answer.get("expires_in", 7200)) - 60
            return self._token

    def post(self, payload: dict[str, object], *, fresh: bool = False) -> dict[str, object]:
        return request_json(
            self.http,
            "POST",
            f"{self.base}/cgi-bin/message/send?access_token={self.token(fresh=fresh)}",
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
        )

    def send_group(self, title: str, url: str, group: list[Envelope]) -> list[Result]:
        payload: dict[str, object] = {
            "touser": "|".join(e.address() for e in group),
            "msgtype": "textcard",
            "agentid": int(self.agent_id) if self.agent_id.isdigit() else self.agent_id,
            "textcard": {"title": title[:128], "description": SMS_SUFFIX, "url": url},
        }
        try:
            answer = self.post(payload)
            if int(str(answer.get("errcode", 0) or 0)) in TOKEN_STALE:
                answer = self.post(payload, fresh=True)
        except GatewayUnavailable as exc:
            return [
                Result(e.delivery_id, False, error=f"企业微信{exc.words}", transient=True)
                for e in group
            ]
        except TokenRefused as exc:
            words, transient = refusal(exc.errcode)
            return [Result(e.delivery_id, False, error=words, transient=transient) for e in group]
        errcode = int(str(answer.get("errcode", 0) or 0))
        if errcode:
            words, transient = refusal(errcode)
            return [Result(e.delivery_id, False, error=words, transient=transient) for e in group]
        invalid = set(str(answer.get("invaliduser", "") or "").split("|")) - {""}
        ref = str(answer.get("msgid", ""))
        unknown = refusal(81013)[0]
        return [
            Result(e.delivery_id, False, error=unknown)
            if e.to in invalid
            else Result(e.delivery_id, True, ref=ref)
            for e in group
        ]

    def send_many(self, envelopes: list[Envelope]) -> list[Result]:
        groups: dict[tuple[str, str], list[Envelope]] = defaultdict(list)
        for e in envelopes:
            groups[e.title, e.url].append(e)
        results: list[Result] = []
        for (title, url), group in groups.items():
            for start in range(0, len(group), PER_REQUEST):
                results += self.send_group(title, url, group[start : start + PER_REQUEST])
        return results


class TokenRefused(Exception):
    def __init__(self, errcode: int) -> None:
        super().__init__(errcode)
        self.errcode = errcode
