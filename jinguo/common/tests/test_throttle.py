"""Counters in the shared cache: a hit claims one of `limit` slots, each living `window`
seconds."""

import pytest
from django.core.cache import caches

from jinguo.common import throttle

pytestmark = pytest.mark.django_db


def test_hits_are_numbered_until_the_limit_then_refused():
    assert [throttle.hit("t:a", limit=3, window=60) for _ in range(4)] == [1, 2, 3, None]
    assert throttle.count("t:a", limit=3) == 3


def test_keys_count_apart():
    throttle.hit("t:a", limit=3, window=60)
    assert throttle.count("t:b", limit=3) == 0


def test_forgetting_starts_the_count_again():
    throttle.hit("t:a", limit=2, window=60)
    throttle.hit("t:a", limit=2, window=60)
    throttle.forget("t:a", limit=2)
    assert throttle.hit("t:a", limit=2, window=60) == 1


def test_a_slot_that_ran_out_is_taken_again():
    throttle.hit("t:a", limit=2, window=60)
    throttle.hit("t:a", limit=2, window=60)
    caches["shared"].delete("throttle:t:a:0")  # as when its window has passed
    assert throttle.hit("t:a", limit=2, window=60) == 1
    assert throttle.hit("t:a", limit=2, window=60) is None


def test_the_counts_are_in_the_shared_cache():
    throttle.hit("t:a", limit=2, window=60)
    caches["default"].clear()
    assert caches["shared"].get("throttle:t:a:0") == 1
    assert throttle.count("t:a", limit=2) == 1


def test_a_user_supplied_name_becomes_a_fixed_safe_key_part():
    part = throttle.hashed('=HYPERLINK("x") 名字 with spaces')
    assert len(part) == 32 and part.isalnum()
