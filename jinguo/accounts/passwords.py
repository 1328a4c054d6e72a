import string

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CLASSES = (
    set(string.ascii_lowercase),
    set(string.ascii_uppercase),
    set(string.digits),
    set(string.punctuation),
)


class CharacterClassValidator:
    """At least 8 characters from at least 3 of: lower case, upper case, digits, symbols (等保)."""

    min_length = 8
    min_classes = 3

    def validate(self, password: str, user: object = None) -> None:
        classes = sum(1 for chars in _CLASSES if chars.intersection(password))
        if len(password) < self.min_length or classes < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_weak")

    def get_help_text(self) -> str:
        return _("密码至少8位，且须包含大写字母、小写字母、数字、符号中的至少三类。")


class PasswordHistoryValidator:
    """Refuses the account's last `count` passwords, the current one included (等保): an expired
    password cannot be "changed" to itself or to the one before. Compared with the hashes kept
    in accounts.PasswordHistory (accounts.services records each new password there) and with
    the account's current hash, which covers accounts older than the history."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: object = None) -> None:
        from jinguo.accounts.models import PasswordHistory

        pk = getattr(user, "pk", None)
        if pk is None or self.count < 1:
            return  # a new account has no history
        current = getattr(user, "password", "") or ""
        kept = PasswordHistory.objects.filter(user_id=pk).values_list("password", flat=True)
        hashes = dict.fromkeys([current, *kept[: self.count]])
        if any(encoded and check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.message(), code="password_reused")

    def message(self) -> str:
        return _("新密码不能与最近%(count)d次使用过的密码（含当前密码）相同。") % {
            "count": self.count
        }

    def get_help_text(self) -> str:
        return self.message()


def history_count() -> int:
    """How many passwords the configured PasswordHistoryValidator remembers (0: none)."""
    counts = [
        v.count
        for v in get_default_password_validators()
        if isinstance(v, PasswordHistoryValidator)
    ]
    return max(counts, default=0)
