"""Issue 8: the person import writes birth dates as ciphertext through its raw SQL, and reads
them back decrypted, so a file that says the same again changes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from jinguo.common import crypto
from jinguo.common.fields import decrypt_date
from jinguo.imports.tests.conftest import id_number, member, roster
from jinguo.people.models import Person, PersonChange

pytestmark = pytest.mark.django_db


def stored_birth_dates() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, birth_date FROM people_person")
        return dict(cursor.fetchall())


def family(tree) -> bytes:
    return roster(
        member("H001", tree.wushan.code, "王秀英", "户主", id_number("19900101", seq=1)),
        member("H001", "", "王小明", "子女", id_number("20150601", seq=2, female=False)),
    )


def test_an_imported_birth_date_is_stored_as_ciphertext(cast, tree, grid_execs, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, family(tree))
    assert job.status == "done", job.message
    tokens = stored_birth_dates()
    for name, born in (("王秀英", dt.date(1990, 1, 1)), ("王小明", dt.date(2015, 6, 1))):
        assert tokens[name].startswith(crypto.PREFIX)
        assert born.isoformat() not in tokens[name]
        assert decrypt_date(tokens[name]) == born
        assert Person.objects.get(name=name).birth_date == born


def test_importing_the_same_people_again_finds_their_birth_dates_unchanged(
    cast, tree, grid_execs, run_import
):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    before = stored_birth_dates()
    changes = PersonChange.objects.count()
    again = run_import(cast.songhe_chair, tree.songhe, family(tree))
    assert again.summary["persons"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert PersonChange.objects.count() == changes
    assert stored_birth_dates() == before  # nothing rewritten


def test_a_person_whose_birth_date_was_unknown_gets_it_from_the_import(
    cast, tree, grid_execs, run_import
):
    run_import(cast.songhe_chair, tree.songhe, family(tree))
    Person.objects.filter(name="王小明").update(birth_date=None)
    job = run_import(cast.songhe_chair, tree.songhe, family(tree))
    assert job.summary["persons"] == {"created": 0, "updated": 1, "unchanged": 1}
    child = Person.objects.get(name="王小明")
    assert child.birth_date == dt.date(2015, 6, 1)
    assert decrypt_date(stored_birth_dates()["王小明"]) == dt.date(2015, 6, 1)
    change = PersonChange.objects.filter(person=child).order_by("-id")[0]
    assert change.action == "person.update"  # the whole snapshot, as people.services writes it
    assert {k for k in change.new if change.new[k] != change.old.get(k)} == {"birth_date"}
    assert change.old["birth_date"] is None
