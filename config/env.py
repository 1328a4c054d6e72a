"""Typed readers for environment variables.

Every setting that comes from the environment goes through one of these, so a bad value fails
at start-up with a message naming the variable instead of misbehaving later.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

# The keys a development or demo site (JINGUO_DEBUG=true) uses when none is set. They are
# published in this repository: settings never fall back to them with DEBUG off, and
# `jinguo check --deploy` fails on any of them (jinguo.common.checks), however they were set.
DEVELOPMENT_SECRETS = {
    "JINGUO_SECRET_KEY": "dev-only-insecure-key",
    "JINGUO_FIELD_KEY": "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLW9rISE=",
    "JINGUO_HASH_KEY": "ZGV2LW9ubHktaGFzaC1rZXktMzItYnl0ZXMtb2shISE=",
    "JINGUO_BACKUP_KEY": "ZGV2LW9ubHktYmFja3VwLWtleS0zMi1ieXRlcy1vayE=",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, *, debug: bool) -> str:
    """Read a secret from NAME or from the file named by NAME_FILE.

    With DEBUG on a missing secret is the published development key; with DEBUG off (production,
    and the default) a missing secret stops the server from starting.
    """
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    value = os.environ.get(name)
    if value:
        return value
    if not debug:
        raise ImproperlyConfigured(
            f"{name} (or {name}_FILE) must be set: DEBUG is off (JINGUO_DEBUG is false or "
            f"unset), and production never uses the development keys. A development or demo "
            f"machine sets JINGUO_DEBUG=true instead (make demo does)."
        )
    return DEVELOPMENT_SECRETS[name]


def env_url(name: str, schemes: tuple[str, ...]) -> str | None:
    """An optional URL whose scheme must be one of `schemes`; None when NAME is unset or
    empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme not in schemes:
        expected = ", ".join(f"{s}://" for s in schemes)
        raise ImproperlyConfigured(f"{name} must start with one of {expected}, got {raw!r}")
    return raw


def redis_next_db(url: str) -> str:
    """The same Redis server one database number up (…/0 → …/1; a unix socket's ?db= too): the
    shared cache beside the broker, so that clearing the cache (FLUSHDB) never empties the
    queue. Redis has databases 0 to 15; the broker's 15 gives 14."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == "unix":
        db = int(query.get("db") or 0)
        query["db"] = str(db + 1 if db < 15 else 14)
        return f"unix://{parts.netloc}{parts.path}?{urlencode(query)}"
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db + 1 if db < 15 else 14}"))


def env_optional_secret(name: str) -> str:
    """A secret that only some configurations need (a gateway's key), from NAME or the file
    named by NAME_FILE; "" when neither is set (the backend that needs it refuses to start)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")
