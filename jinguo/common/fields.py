import datetime as dt
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


def encrypt_date(value: dt.date | None) -> str | None:
    """The stored form of a date: ciphertext of its ISO text (common.crypto); None stays None."""
    return crypto.encrypt(value.isoformat()) if value else None


def decrypt_date(token: str | None) -> dt.date | None:
    """The date a stored token holds; NULL and "" are no date."""
    return dt.date.fromisoformat(crypto.decrypt(token)) if token else None


class EncryptedDateField(models.DateField):
    """A date stored encrypted in a text column (the ISO date through common.crypto); Python
    code, forms (forms.DateField), DRF serializers (DateField) and `.values()` see a
    `datetime.date`, or None for NULL.

    The database holds only ciphertext with a random nonce, so it cannot filter, order or
    aggregate on the value: every look-up but `__isnull` raises FieldError (filter with
    `birth_date__isnull=False` and decide in Python); order_by, Min/Max and a date_hierarchy or
    list_filter in the admin would silently work on ciphertext, so do not use them. Raw SQL
    must write `encrypt_date(value)` and read back through `decrypt_date`.
    """

    def get_internal_type(self) -> str:
        return "TextField"  # the column type, and no date converters from the backend

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False, **kwargs: Any
    ) -> None:
        # Not DateField's: get_next_by_FOO/get_previous_by_FOO would order on ciphertext.
        models.Field.contribute_to_class(self, cls, name, private_only=private_only)

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> Any:
        return None  # no __year, __month: the database cannot read the date

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dt.date | None:
        return decrypt_date(value)

    def get_prep_value(self, value: Any) -> str | None:
        return None if value in (None, "") else encrypt_date(self.to_python(value))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)
