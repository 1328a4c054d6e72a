"""Which key categories a household holds, stored as keyed tokens instead of category ids.

Holding 低保, 残疾 or 困境儿童 is sensitive personal information, so the link table
(HouseholdCategory) must not say it in clear: a database dump or a backup read without the keys
would otherwise list every low-income family and every child in difficulty. Each link stores
`token` = HMAC(blind-index key, "household-category:<category id>"), a blind index like
`Person.id_hash`: equal categories give equal tokens, so "who holds 低保" stays an equality
filter on an indexed column, but mapping a token back to a category needs the key.

SQL that needs a category's attributes (its interval, whether it is active, its cap) gets a
CASE over the tokens of the few categories, built here in Python from the Category table.
Reading the links back into categories (held_categories, holding…) lives with the models
(households.models), which load a page's categories themselves: this module imports no model,
so the models can import it.

What a blind index does not hide: how many households share a token, and, on the household,
the stored visit interval that the categories produce (households.plan).
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import Case, IntegerField, Value, When

from jinguo.common import crypto

# Part of the stored data: changing it orphans every link (migration households/0006 uses it).
TOKEN_PREFIX = "household-category:"  # noqa: S105 (a label, not a secret)


@lru_cache(maxsize=4096)
def category_token(category_id: int) -> str:
    return crypto.blind_index(f"{TOKEN_PREFIX}{category_id}")


def category_tokens(category_ids: Iterable[int]) -> list[str]:
    return [category_token(pk) for pk in category_ids]


def token_case(values: dict[int, Any], *, field: str = "token") -> Any:
    """A CASE giving `values[category id]` for a link's token (NULL for any other token)."""
    whens = [When(**{field: category_token(pk)}, then=Value(v)) for pk, v in values.items()]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=None, output_field=IntegerField())
