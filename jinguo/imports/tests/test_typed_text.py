"""Issue 21, item 4: a roster's addresses and notes are stored as typed (「，」「：」「（）」 kept);
household numbers, phones and ID numbers are still folded to half-width; a grid is found by its
name however its brackets are written; and importing the same file again changes nothing."""

from jinguo.households.models import Household, HouseholdChange
from jinguo.imports.tests.conftest import id_number, member, roster
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.people.models import Person, PersonChange

ADDRESS = "嵩合社区（巫山组）：东头1号"
NOTE = "新迁入，独居老人"


def _roster(tree):
    return roster(
        member(
            "ＳＨ０３１",
            tree.wushan.code,
            "王秀英",
            "户主",
            id_number(seq=1),
            联系电话="１３８ ０００１ １１１１",
            户籍地址=ADDRESS,
            备注=NOTE,
        )
    )


def test_an_imported_address_and_note_keep_their_full_width_punctuation(cast, tree, run_import):
    job = run_import(cast.songhe_chair, tree.songhe, _roster(tree))
    assert job.status == "done", job.error_count
    household = Household.objects.get()
    assert (household.address, household.note) == (ADDRESS, NOTE)
    # Identifiers are still folded: the number, and the phone as digits.
    assert household.number == "SH031"
    assert Person.objects.get().phone == "13800011111"


def test_importing_a_file_with_full_width_punctuation_again_changes_nothing(cast, tree, run_import):
    content = _roster(tree)
    run_import(cast.songhe_chair, tree.songhe, content)
    counts = (HouseholdChange.objects.count(), PersonChange.objects.count())
    again = run_import(cast.songhe_chair, tree.songhe, content)
    assert (again.created_count, again.updated_count) == (0, 0)
    assert counts == (HouseholdChange.objects.count(), PersonChange.objects.count())


def test_a_grid_named_with_full_width_brackets_is_found_by_its_name(cast, tree, run_import):
    OrgUnitFactory(name="东片（一组）", kind="grid", code="341881001001009", parent=tree.songhe)
    content = roster(member("DP001", "东片（一组）", "王秀英", "户主", id_number(seq=1)))
    job = run_import(cast.songhe_chair, tree.songhe, content)
    assert job.status == "done"
    assert Household.objects.get().grid.name == "东片（一组）"
