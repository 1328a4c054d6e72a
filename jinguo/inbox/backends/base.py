"""The contract of an outward channel's backend.

A delivery job hands a backend a list of Envelopes and gets one Result per envelope. A backend
never raises for what a gateway answers: a refusal is a Result with `error` (Chinese words and
the gateway's code) and `transient` when trying again later may succeed (timeout, 5xx, rate
limit). The address of an SMS is the phone's ciphertext: the backend decrypts it at the moment it
builds the request (`Envelope.address()`), and neither logs it nor puts it in an error."""

from dataclasses import dataclass

from jinguo.common import crypto


@dataclass(frozen=True)
class Envelope:
    delivery_id: int
    # SMS: the phone number's ciphertext (common.crypto); 企业微信: her user id there.
    to: str
    title: str
    url: str  # absolute address of the message on this site
    encrypted: bool = False

    def address(self) -> str:
        return crypto.decrypt(self.to) if self.encrypted else self.to


@dataclass(frozen=True)
class Result:
    delivery_id: int
    ok: bool
    ref: str = ""
    error: str = ""
    transient: bool = False


class BaseBackend:
    channel: str

    def __init__(self, *, channel: str) -> None:
        self.channel = channel

    def send_many(self, envelopes: list[Envelope]) -> list[Result]:
        raise NotImplementedError

    def check(self) -> list[str]:
        """What is missing from the settings (in words for the operator); [] when configured."""
        return []


SMS_SUFFIX = "请登录巾帼网格查看"


SMS_TITLE_MAX = 30


def sms_title(title: str, limit: int = SMS_TITLE_MAX) -> str:
    """The title in at most `limit` characters: cut after its last whole clause (at a «，»)
    that fits, never inside a phrase, and marked «…» when anything was left out."""
    if len(title) <= limit:
        return title
    kept = title[: limit - 1]
    clause = kept.rfind("，")
    return (kept[:clause] if clause > 0 else kept) + "…"


def sms_text(title: str, url: str) -> str:
    """What an SMS says: the title and where to read it, never more (no household's data)."""
    return f"{sms_title(title)}，{SMS_SUFFIX}：{url}"
