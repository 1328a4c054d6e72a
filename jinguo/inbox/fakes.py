"""A fake SMS and 企业微信 gateway for the tests and the bench: a real HTTP server on 127.0.0.1
(an ephemeral port) speaking the documented formats.

- SMS (Aliyun dysmsapi, POST /): checks the common parameters and the HMAC-SHA1 signature
  (SignatureDoesNotMatch otherwise), the access key, PhoneNumbers (isv.MOBILE_NUMBER_ILLEGAL),
  SignName, TemplateCode and TemplateParam; answers {"Code": "OK", "BizId": …}.
- 企业微信 (GET /cgi-bin/gettoken, POST /cgi-bin/message/send): issues tokens for the right corp
  id and secret (40001 otherwise), answers 40014 to an unknown token and 42001 to an expired one
  (`expire_tokens`), names unknown users in `invaliduser` (`unknown_users`).

`script(kind, *answers)` queues the next answers of a kind ("sms", "wecom", "token"): an error
code (str for SMS, int for 企业微信), ("status", 500), or ("stall", seconds) to sleep past the
client's read timeout. `received` records each request (SMS parameters, 企业微信 bodies)."""

import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jinguo.inbox.backends.aliyun import signature

PHONE = re.compile(r"^1\d{10}$")
Answer = str | int | tuple[str, float]


class FakeGateway:
    def __init__(
        self,
        *,
        key_id: str = "fake-key",
        secret: str = "fake-secret",  # noqa: S107 (a test fake)
        corp_id: str = "fake-corp",
        corp_secret: str = "fake-corp-secret",  # noqa: S107
        record: bool = True,
    ) -> None:
        self.key_id, self.secret = key_id, secret
        self.corp_id, self.corp_secret = corp_id, corp_secret
        self.record = record
        self.received: dict[str, list[Any]] = defaultdict(list)
        self.count: dict[str, int] = defaultdict(int)
        self.scripts: dict[str, deque[Answer]] = defaultdict(deque)
        self.tokens: dict[str, bool] = {}  # token → still valid
        self.unknown_users: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        # a client that gave up on a stalled answer closes the socket: nothing to report
        self.server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeGateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, kind: str, *answers: Answer) -> None:
        self.scripts[kind].extend(answers)

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens = dict.fromkeys(self.tokens, False)

    def next_answer(self, kind: str) -> Answer | None:
        with self._lock:
            self.count[kind] += 1
            queue = self.scripts[kind]
            return queue.popleft() if queue else None

    def new_id(self) -> str:
        with self._lock:
            return f"{next(self._ids):012d}"

    # --- SMS ---------------------------------------------------------------------------------

    def sms(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        given = params.pop("Signature", "")
        if params.get("AccessKeyId") != self.key_id:
            return 404, {"Code": "InvalidAccessKeyId.NotFound"}
        if given != signature(params, secret=self.secret):
            return 400, {"Code": "SignatureDoesNotMatch"}
        common = {
            "Action": "SendSms",
            "Format": "JSON",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "Version": "2017-05-25",
        }
        wrong = [k for k, v in common.items() if params.get(k) != v]
        missing = [
            k
            for k in ("SignatureNonce", "Timestamp", "SignName", "TemplateCode", "TemplateParam")
            if not params.get(k)
        ]
        if wrong or missing:
            return 400, {"Code": "isv.INVALID_PARAMETERS", "Message": str(wrong + missing)}
        try:
            json.loads(params["TemplateParam"])
        except ValueError:
            return 400, {"Code": "isv.INVALID_JSON_PARAM"}
        if self.record:
            with self._lock:
                self.received["sms"].append(params)
        if not PHONE.match(params.get("PhoneNumbers", "")):
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid mobile"}
        return 200, {"Code": "OK", "Message": "OK", "BizId": self.new_id(), "RequestId": "r"}

    # --- 企业微信 -----------------------------------------------------------------------------

    def gettoken(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.corp_secret:
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        token = "tok-" + self.new_id()
        with self._lock:
            self.tokens[token] = True
        return 200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def wecom_send(self, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        valid = self.tokens.get(token)
        if valid is None:
            return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
        if not valid:
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        if body.get("msgtype") not in ("text", "textcard") or not body.get("agentid"):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        if self.record:
            with self._lock:
                self.received["wecom"].append(body)
        users = [u for u in str(body.get("touser", "")).split("|") if u]
        invalid = [u for u in users if u in self.unknown_users]
        if users and len(invalid) == len(users):
            return 200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        return 200, {
            "errcode": 0,
            "errmsg": "ok",
            "invaliduser": "|".join(invalid),
            "msgid": "msg" + self.new_id(),
        }


class _Handler(BaseHTTPRequestHandler):
    gateway: FakeGateway
    protocol_version = "HTTP/1.1"  # keep-alive, as the gateways
    # One write per answer, sent at once (else the client's delayed ACK costs 40 ms a request).
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def scripted(self, kind: str) -> Answer | None:
        """A scripted answer of `kind`, sent (or stalled on) here; None: answer normally."""
        scripted = self.gateway.next_answer(kind)
        if scripted is None:
            return None
        if isinstance(scripted, tuple):
            what, value = scripted
            if what == "stall":
                time.sleep(value)
            self.answer(int(value) if what == "status" else 200, {"errcode": -1})
        elif isinstance(scripted, int):
            self.answer(200, {"errcode": scripted, "errmsg": "scripted"})
        else:
            self.answer(200, {"Code": scripted, "Message": "scripted"})
        return scripted

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/cgi-bin/gettoken":
            if self.scripted("token") is None:
                self.answer(*self.gateway.gettoken(dict(parse_qsl(url.query))))
        elif url.path == "/bare":
            self.answer(200, {"Code": "OK"})
        else:
            self.answer(404, {"errcode": 404})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        raw = self.body()
        if url.path == "/cgi-bin/message/send":
            if self.scripted("wecom") is None:
                token = dict(parse_qsl(url.query)).get("access_token", "")
                self.answer(*self.gateway.wecom_send(token, json.loads(raw or b"{}")))
        elif url.path == "/bare":
            self.answer(200, {"Code": "OK", "BizId": "bare"})
        elif url.path == "/":
            if self.scripted("sms") is None:
                self.answer(*self.gateway.sms(dict(parse_qsl(raw.decode()))))
        else:
            self.answer(404, {"Code": "NotFound"})


def _handler(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"gateway": gateway})
