"""Outward channels, as Django's e-mail backends: settings name a class per channel
(JINGUO_SMS_BACKEND, JINGUO_WECOM_BACKEND); get_backend builds it. See base.py for the contract."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from jinguo.inbox.backends.base import BaseBackend

SETTINGS = {"sms": "JINGUO_SMS_BACKEND", "wecom": "JINGUO_WECOM_BACKEND"}
_BUILT: dict[tuple[str, str], BaseBackend] = {}


def backend_path(channel: str) -> str:
    return str(getattr(settings, SETTINGS[channel], "") or "")


def channel_on(channel: str) -> bool:
    """A channel is on when a backend is configured for it."""
    return bool(backend_path(channel))


def get_backend(channel: str) -> BaseBackend:
    """The channel's backend, built once per process and path (an HTTP backend keeps its
    connection pool and access token)."""
    path = backend_path(channel)
    key = (channel, path)
    backend = _BUILT.get(key)
    if backend is None:
        backend = import_string(path)(channel=channel)
        missing = backend.check()
        if missing:
            raise ImproperlyConfigured(
                f"the {channel} backend {path} needs {', '.join(missing)} (production has no "
                f"default for a gateway's key)"
            )
        _BUILT[key] = backend
    return backend


def reset_backends() -> None:
    """Forget the built backends (tests that change settings)."""
    _BUILT.clear()
