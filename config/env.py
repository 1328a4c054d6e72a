"""Typed readers for environment variables.

Every setting that comes from the environment goes through one of these, so a bad value fails
at start-up with a message naming the variable instead of misbehaving later.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

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


def env_secret(name: str, dev_default: str | None) -> str:
    """Read a secret from NAME or from the file named by NAME_FILE.

    In production `dev_default` is None, so a missing secret stops the server from starting.
    """
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    value = os.environ.get(name)
    if value:
        return value
    if dev_default is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set when DEBUG is off")
    return dev_default


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
