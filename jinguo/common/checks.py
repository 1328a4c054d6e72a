"""`jinguo check --deploy`: no development key in production.

The development keys (config.env.DEVELOPMENT_SECRETS) are published in this repository: whoever
has read it can forge sessions with the secret key, decrypt ID numbers and phones with the field
key and look people up by ID number with the hash key. Settings never fall back to them with
DEBUG off, but a variable can still be set to one (copied from a demo machine's environment):
each is an Error here, whatever DEBUG says, since a deployment check is about production.
"""

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.translation import gettext as _

from config.env import DEVELOPMENT_SECRETS

# Setting (and its fallbacks) → the variable that sets it, with the message id.
KEYS = (
    ("SECRET_KEY", "JINGUO_SECRET_KEY", "keys.E001"),
    ("FIELD_ENCRYPTION_KEY", "JINGUO_FIELD_KEY", "keys.E002"),
    ("BLIND_INDEX_KEY", "JINGUO_HASH_KEY", "keys.E003"),
    ("BACKUP_KEY", "JINGUO_BACKUP_KEY", "keys.E004"),
)


def _normalised(value: str) -> str | bytes:
    """The key as used: base64 keys by their bytes (so that a re-encoding is caught too)."""
    value = value.strip()
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value


DEVELOPMENT_VALUES = {_normalised(value) for value in DEVELOPMENT_SECRETS.values()}


def development_key_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for setting, variable, check_id in KEYS:
        values = [getattr(settings, setting, "")]
        if setting == "SECRET_KEY":
            values += list(getattr(settings, "SECRET_KEY_FALLBACKS", []))
        if any(isinstance(v, str) and _normalised(v) in DEVELOPMENT_VALUES for v in values):
            errors.append(
                Error(
                    _("%(variable)s 是公开的开发密钥，不能用于生产环境。") % {"variable": variable},
                    hint=_(
                        "为 %(variable)s（或 %(variable)s_FILE）设置新生成的随机密钥，"
                        "见 docs/deployment.md。"
                    )
                    % {"variable": variable}
                    + (
                        "" if setting == "SECRET_KEY" else _("已用开发密钥写入的数据不能直接换钥。")
                    ),
                    id=check_id,
                )
            )
    backup_key = getattr(settings, "BACKUP_KEY", "")
    if backup_key and _normalised(backup_key) == _normalised(settings.FIELD_ENCRYPTION_KEY):
        errors.append(
            Error(
                _("JINGUO_BACKUP_KEY 与 JINGUO_FIELD_KEY 相同：备份密钥必须是另一把密钥。"),
                hint=_("备份密钥与字段密钥分开保管，才能在备份失窃时仍保护身份证号和电话。"),
                id="keys.E005",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_no_development_keys(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    return development_key_errors()
