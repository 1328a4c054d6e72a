"""The current request's client address, so services can audit without being handed a request."""

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("jinguo_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def set_current(context: RequestContext | None) -> Token[RequestContext | None]:
    return _current.set(context)


def reset(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
