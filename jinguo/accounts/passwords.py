import string

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
