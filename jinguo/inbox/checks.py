"""System checks of the outward channels: a channel whose backend is named must be importable
and fully configured (its key, sign name, template, corp id …); production (`check --deploy`)
is warned of a development backend (console, file, locmem) and told of a channel left off
(tag "inbox", not "security": a site may well run without SMS)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from jinguo.inbox.backends import SETTINGS, backend_path, get_backend

DEVELOPMENT = ".backends.simple."


@register(Tags.compatibility)
def channels_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for channel, name in SETTINGS.items():
        if not backend_path(channel):
            continue
        try:
            get_backend(channel)
        except (ImportError, ImproperlyConfigured) as exc:
            found.append(Error(f"{name}: {exc}", id="inbox.E001"))
    return found


@register("inbox", deploy=True)
def channels_for_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for channel, name in SETTINGS.items():
        path = backend_path(channel)
        if not path:
            found.append(Info(f"{name} is empty: the {channel} channel is off", id="inbox.I001"))
        elif DEVELOPMENT in path and not settings.DEBUG:
            found.append(Warning(f"{name} is a development backend ({path})", id="inbox.W001"))
    return found
