"""Age in full years, for the rules that depend on it (a seat or a case never goes to a minor).
Masking decides by the year of birth alone instead (households.masking.is_minor)."""

import datetime as dt

from django.utils import timezone

ADULT_AGE = 18


def full_years(birth_date: dt.date, on: dt.date) -> int:
    """Age in full years on `on`."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def is_under_age(birth_date: dt.date | None, on: dt.date | None = None) -> bool:
    """Younger than 18 full years on `on` (default today); an unknown birth date is not."""
    if birth_date is None:
        return False
    return full_years(birth_date, on or timezone.localdate()) < ADULT_AGE
