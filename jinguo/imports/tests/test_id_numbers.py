"""The ID numbers of a roster while it is checked (jinguo/imports/id_numbers.py)."""

from jinguo.common.crypto import blind_index
from jinguo.imports.id_numbers import IdNumbers


def numbers(*pairs: tuple[str, int]) -> IdNumbers:
    found = IdNumbers()
    for number, row in pairs:
        found.add(blind_index(number), row)
    return found


def test_a_repeated_id_number_names_the_first_row_it_was_on():
    found = numbers(("A1", 2), ("B2", 3), ("A1", 7), ("C3", 8), ("A1", 9), ("B2", 12))
    assert sorted(found.duplicates()) == [(7, 2), (9, 2), (12, 3)]


def test_many_id_numbers_without_a_repeat_have_no_duplicate():
    found = numbers(*((f"{n:018d}", n + 2) for n in range(5000)))
    assert len(found) == 5000
    assert list(found.duplicates()) == []


def test_the_id_numbers_come_in_chunks_with_their_rows():
    found = numbers(*((f"{n:018d}", n + 2) for n in range(25)))
    chunks = list(found.chunks(10))
    assert [len(chunk) for chunk in chunks] == [10, 10, 5]
    assert chunks[0][blind_index(f"{0:018d}")] == 2
    assert chunks[2][blind_index(f"{24:018d}")] == 26


def test_cleared_there_is_nothing_left():
    found = numbers(("A1", 2), ("A1", 3))
    found.clear()
    assert len(found) == 0 and list(found.duplicates()) == []
