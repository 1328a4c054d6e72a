from typing import Any

from django.db import models

from jinguo.common import crypto


class EncryptedCharField(models.TextField):
    """Text stored encrypted (see common.crypto); Python code sees the plain value.

    It cannot be filtered or ordered on: pair it with a blind-index column for look-ups.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return crypto.decrypt(value) if value else ""

    def get_prep_value(self, value: Any) -> str:
        return crypto.encrypt(str(value)) if value else ""
