"""How a household's sensitive details are shown to users who may not see them in clear
(households.policy): sensitive categories as one 「敏感类别」 and minors' names as 张*. The one
place pages, the API and the exports take them from. (Birth dates, everyone's, are shown as
the year beside a masked ID number: people.masking.birth_shown.)"""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.households.models import Category
from jinguo.people.models import Person

ADULT_AGE = 18
# The exported rosters are always in Chinese (the federation's file format).
SENSITIVE_LABEL_ZH = "敏感类别"


def sensitive_label() -> str:
    return _("敏感类别")


def shown_names(
    categories: Iterable[tuple[str, bool]], *, clear: bool, label: str | None = None
) -> list[str]:
    """Of (name, sensitive) pairs, the names to show, in order; the sensitive ones, when
    masked, as one `label` (「敏感类别」) at the place of the first: neither which nor how many."""
    label = label or sensitive_label()
    names: list[str] = []
    for name, sensitive in categories:
        if clear or not sensitive:
            names.append(name)
        elif label not in names:
            names.append(label)
    return names


def category_names(categories: Iterable[Category], *, clear: bool) -> list[str]:
    return shown_names(((c.name, c.sensitive) for c in categories), clear=clear)


def is_minor(birth_date: dt.date | None, today: dt.date | None = None) -> bool:
    """Under 18 on some day of `today`'s year (default: this year); unknown birth dates count
    as adults. Decided by the year of birth alone, so a masked name (张*) turns into the full
    one on 1 January after the 18th birthday rather than on the birthday itself: the day the
    mask changes must not tell the day of birth, which with the year shown, the region and the
    last four would give the ID number back (people.masking)."""
    if birth_date is None:
        return False
    today = today or timezone.localdate()
    return today.year - birth_date.year <= ADULT_AGE


def mask_name(name: str) -> str:
    """张* : the family name only."""
    return name[:1] + "*" if name else ""


def person_name(
    name: str, birth_date: dt.date | None, *, clear: bool, today: dt.date | None = None
) -> str:
    if clear or not is_minor(birth_date, today):
        return name
    return mask_name(name)


def resident_name(person: Person | None, *, clear: bool) -> str:
    if person is None:
        return ""
    return person_name(person.name, person.birth_date, clear=clear)
