"""A roster without a 户号 column: households grouped under their heads and numbered."""

import pytest

from jinguo.households.models import Household, HouseholdChange, Resident
from jinguo.households.tests.factories import household
from jinguo.imports.tests.conftest import error_rows, id_number, member, roster, xlsx
from jinguo.people.models import Person, PersonChange

pytestmark = pytest.mark.django_db

HEADER = ["所属网格", "姓名", "与户主关系", "身份证号"]


def families(tree):
    return xlsx(
        [
            HEADER,
            [tree.wushan.code, "王秀英", "户主", id_number(seq=1)],
            [tree.wushan.code, "李明", "配偶", id_number(seq=2, female=False)],
            [tree.wushan.code, "李小红", "女儿", id_number(birth="20100101", seq=3)],
            [tree.chengjiawan.code, "张兰", "户主", id_number(seq=4)],
            [tree.wushan.code, "赵芳", "户主", id_number(seq=5)],
            [tree.chengjiawan.code, "陈静", "本人", id_number(seq=6)],
        ]
    )


def members_by_number():
    rows = Resident.objects.values_list("household__number", "person__name", "relation")
    found: dict[str, list[tuple[str, str]]] = {}
    for number, name, relation in rows.order_by("household__number", "person__name"):
        found.setdefault(number, []).append((name, relation))
    return found


def test_members_belong_to_the_head_above_them_and_each_grid_continues_its_own_series(
    cast, tree, run_import
):
    household(tree.wushan, "WS-001")
    household(tree.wushan, "WS-002")
    household(tree.chengjiawan, "CJW-07")
    job = run_import(cast.songhe_chair, tree.songhe, families(tree))
    assert job.status == "done", job.message
    assert job.summary["households"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert members_by_number() == {
        "WS-003": [("李小红", "child"), ("李明", "spouse"), ("王秀英", "head")],
        "CJW-08": [("张兰", "head")],
        "WS-004": [("赵芳", "head")],
        "CJW-09": [("陈静", "head")],
    }
    head = Household.objects.get(number="WS-003").head
    assert head is not None and head.name == "王秀英"
    assert Household.objects.get(number="CJW-08").grid == tree.chengjiawan


def test_a_grid_without_a_series_starts_one_from_its_code(cast, tree, run_import):
    content = xlsx([HEADER, [tree.wushan.code, "王秀英", "户主", id_number(seq=1)]])
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    assert list(Household.objects.values_list("number", flat=True)) == [f"{tree.wushan.code}-001"]


def test_grids_sharing_a_series_never_get_the_same_number(cast, tree, run_import):
    """巫山组网格 has no household: it continues its sibling's series, as the form does."""
    household(tree.chengjiawan, "SH001")
    content = xlsx(
        [
            HEADER,
            [tree.wushan.code, "王秀英", "户主", id_number(seq=1)],
            [tree.chengjiawan.code, "张兰", "户主", id_number(seq=4)],
            [tree.wushan.code, "赵芳", "户主", id_number(seq=5)],
        ]
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    heads = dict(Household.objects.filter(head__isnull=False).values_list("head__name", "number"))
    assert heads == {"王秀英": "SH002", "赵芳": "SH003", "张兰": "SH004"}


def test_importing_the_same_file_without_numbers_again_changes_nothing(cast, tree, run_import):
    household(tree.wushan, "WS-001")
    content = families(tree)
    first = run_import(cast.songhe_chair, tree.songhe, content)
    assert first.status == "done", first.message
    before = (
        sorted(Household.objects.values_list("number", "head__name")),
        Person.objects.count(),
        PersonChange.objects.count(),
        HouseholdChange.objects.count(),
        members_by_number(),
    )
    again = run_import(cast.songhe_chair, tree.songhe, content)
    assert again.status == "done", again.message
    assert again.summary["households"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert again.summary["persons"] == {"created": 0, "updated": 0, "unchanged": 6}
    assert before == (
        sorted(Household.objects.values_list("number", "head__name")),
        Person.objects.count(),
        PersonChange.objects.count(),
        HouseholdChange.objects.count(),
        members_by_number(),
    )


def test_a_member_above_every_head_is_an_error_and_nothing_is_written(cast, tree, run_import):
    content = xlsx(
        [
            HEADER,
            [tree.wushan.code, "李明", "配偶", id_number(seq=2, female=False)],
            [tree.wushan.code, "王秀英", "户主", id_number(seq=1)],
        ]
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "rejected"
    assert error_rows(job) == [
        (2, "没有户号列时，家庭成员应排在本户户主的下面，但该行前面没有户主")
    ]
    assert not Household.objects.exists() and not Person.objects.exists()


def test_rows_of_one_head_that_disagree_name_the_head_row(cast, tree, run_import):
    content = xlsx(
        [
            ["所属网格", "姓名", "与户主关系", "身份证号", "户籍地址"],
            [tree.wushan.code, "王秀英", "户主", id_number(seq=1), "巫山组1号"],
            [tree.wushan.code, "李明", "配偶", id_number(seq=2, female=False), "巫山组2号"],
        ]
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert error_rows(job) == [(3, "第2行户主一户的户籍地址与第2行不一致")]


def test_without_numbers_or_relations_every_row_is_a_household_of_its_own(cast, tree, run_import):
    household(tree.wushan, "WS-001")
    content = xlsx(
        [
            ["所属网格", "姓名", "身份证号"],
            [tree.wushan.code, "王秀英", id_number(seq=1)],
            [tree.wushan.code, "赵芳", id_number(seq=5)],
        ]
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    heads = dict(Household.objects.filter(head__isnull=False).values_list("number", "head__name"))
    assert heads == {"WS-002": "王秀英", "WS-003": "赵芳"}


def test_a_head_already_heading_a_household_brings_her_members_to_it(cast, tree, run_import):
    numbered = roster(member("H001", tree.wushan.code, "王秀英", "户主", id_number(seq=1)))
    assert run_import(cast.songhe_chair, tree.songhe, numbered).status == "done"
    content = xlsx(
        [
            HEADER,
            [tree.wushan.code, "王秀英", "户主", id_number(seq=1)],
            [tree.wushan.code, "李小红", "女儿", id_number(birth="20100101", seq=3)],
        ]
    )
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done", job.message
    assert job.summary["households"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert members_by_number() == {"H001": [("李小红", "child"), ("王秀英", "head")]}
