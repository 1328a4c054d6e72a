"""The ID numbers of a roster while it is checked, in as little memory as a county needs.

A county's roster has a million persons. Checking must find the same ID number written twice
and compare every one with the database, but keeps nothing else of them (writing reads the file
again: jinguo/imports/households.py). A dict of a million blind indexes to rows costs ≈120 MB in
Python objects; here each is 20 bytes in one bytearray and its row 8 bytes in an array
(≈28 MB), and duplicates are found bucket by bucket (by the first byte of the blind index, which
is spread evenly), each bucket's small dict let go before the next.
"""

from array import array
from collections.abc import Iterator
from itertools import accumulate

WIDTH = 20  # bytes of a blind index (crypto.blind_index: 40 hex digits)
BUCKETS = 256


class IdNumbers:
    def __init__(self) -> None:
        self._keys = bytearray()
        self._rows = array("q")

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, id_hash: str, row: int) -> None:
        """One person's blind index (hex, as crypto.blind_index gives it) and her row."""
        key = bytes.fromhex(id_hash)
        if len(key) != WIDTH:
            raise ValueError("not a blind index")
        self._keys += key
        self._rows.append(row)

    def _key(self, index: int) -> bytes:
        return bytes(self._keys[index * WIDTH : (index + 1) * WIDTH])

    def duplicates(self) -> Iterator[tuple[int, int]]:
        """(row, the first row with the same ID number) for every repeat, by bucket."""
        keys, count = self._keys, len(self._rows)
        sizes = [0] * BUCKETS
        for index in range(count):
            sizes[keys[index * WIDTH]] += 1
        starts = list(accumulate([0, *sizes[:-1]]))
        order = array("q", bytes(8 * count))
        fill = list(starts)
        for index in range(count):
            bucket = keys[index * WIDTH]
            order[fill[bucket]] = index
            fill[bucket] += 1
        for bucket in range(BUCKETS):
            first: dict[bytes, int] = {}
            for index in order[starts[bucket] : starts[bucket] + sizes[bucket]]:
                seen = first.setdefault(self._key(index), index)  # file order within a bucket
                if seen != index:
                    yield self._rows[index], self._rows[seen]

    def chunks(self, size: int) -> Iterator[dict[str, int]]:
        """{blind index (hex): row}, `size` persons at a time, for comparing with the database."""
        for start in range(0, len(self._rows), size):
            end = min(start + size, len(self._rows))
            yield {self._key(index).hex(): self._rows[index] for index in range(start, end)}

    def clear(self) -> None:
        self._keys = bytearray()
        self._rows = array("q")
