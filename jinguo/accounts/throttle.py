"""Login throttling, kept in the cache every web worker shares (jinguo.common.throttle).

Failed logins are counted three ways, each over a time window:
- per client address: after LOGIN_CAPTCHA_AFTER failures the address must solve a picture code
  (验证码) before a password is even checked; after LOGIN_IP_MAX_FAILURES it is refused (429)
  until its failures age out;
- per user name, whether or not the account exists (so the answer never tells which names
  exist): after LOGIN_CAPTCHA_AFTER failures every login to that name needs the code;
- over the whole site: after LOGIN_SITE_CAPTCHA_AFTER failures every login needs the code.

The account lock of 等保 (LOGIN_MAX_FAILURES wrong passwords in a row, services.login_failed)
stays, but a script cannot reach it: after the first few failures each further try needs a
solved code, so locking someone out takes a person, and the security administrator can lift it.
"""

from dataclasses import dataclass

from django.conf import settings

from jinguo.audit.services import audit_record
from jinguo.common import throttle


@dataclass(frozen=True)
class Gate:
    blocked: bool  # this address failed too often: refused without checking anything
    captcha: bool  # a picture code must be solved before the password is checked


def _ip_key(ip: str) -> str:
    return f"login:ip:{ip}"


def _name_key(username: str) -> str:
    return f"login:name:{throttle.hashed(username.strip().casefold())}"


_SITE_KEY = "login:site"


def login_gate(*, ip: str | None, username: str | None = None) -> Gate:
    """What a login attempt from `ip` (for `username`, once it is known) must get past."""
    after = settings.LOGIN_CAPTCHA_AFTER
    ip_failures = throttle.count(_ip_key(ip), limit=settings.LOGIN_IP_MAX_FAILURES) if ip else 0
    if ip_failures >= settings.LOGIN_IP_MAX_FAILURES:
        return Gate(blocked=True, captcha=True)
    site_limit = settings.LOGIN_SITE_CAPTCHA_AFTER
    captcha = (
        ip_failures >= after
        or throttle.count(_SITE_KEY, limit=site_limit) >= site_limit
        or (bool(username) and throttle.count(_name_key(username or ""), limit=after) >= after)
    )
    return Gate(blocked=False, captcha=captcha)


def login_failure_note(*, ip: str | None, username: str, count_name: bool = True) -> None:
    """Count one failed login against its address, its user name and the site. The moment an
    address reaches its limit is audited (once per window, not once per refused try)."""
    window = settings.LOGIN_THROTTLE_SECONDS
    if ip:
        limit = settings.LOGIN_IP_MAX_FAILURES
        if throttle.hit(_ip_key(ip), limit=limit, window=window) == limit:
            audit_record(actor=None, action="auth.throttled", username=username, note=ip)
    throttle.hit(_SITE_KEY, limit=settings.LOGIN_SITE_CAPTCHA_AFTER, window=window)
    if count_name and username:
        throttle.hit(
            _name_key(username),
            limit=settings.LOGIN_CAPTCHA_AFTER,
            window=settings.LOGIN_NAME_WINDOW_SECONDS,
        )


def login_success_note(*, username: str) -> None:
    """A right password (and code) for the name: its own failures are forgotten."""
    throttle.forget(_name_key(username), limit=settings.LOGIN_CAPTCHA_AFTER)
