"""refcache: reference data kept a while per process, forgotten when the services write it."""

from jinguo.common.refcache import cached_reference, reference_changed


def counter():
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    return compute, calls


def test_a_reference_is_computed_once_while_it_is_kept(kept_references):
    compute, calls = counter()
    assert cached_reference("k", compute) == [1]
    assert cached_reference("k", compute) == [1]
    assert len(calls) == 1


def test_a_change_forgets_every_kept_reference(kept_references):
    compute, _calls = counter()
    other, _ = counter()
    cached_reference("k", compute)
    cached_reference("other", other)
    reference_changed()
    assert cached_reference("k", compute) == [2]
    reference_changed()  # a second change too
    assert cached_reference("k", compute) == [3]


def test_nothing_is_kept_when_the_setting_is_zero(settings):
    settings.REFERENCE_CACHE_SECONDS = 0
    compute, calls = counter()
    cached_reference("k", compute)
    cached_reference("k", compute)
    assert len(calls) == 2
