"""Matching what ledgers write to our grids, categories and executives (no database)."""

from jinguo.imports.matching import (
    fold,
    grid_stem,
    suggest_category,
    suggest_executive,
    suggest_grid,
)

GRIDS = [(1, "341881001001001", "巫山组网格"), (2, "341881001001002", "程家湾组网格")]
CATEGORIES = [(10, "dibao", "低保"), (11, "tekun", "特困"), (12, "disabled", "残疾")]
PEOPLE = [(7, "汪秀兰", "0012"), (8, "程丽", "0034"), (9, "王红", "1111"), (10, "王红", "2222")]


def test_a_name_is_folded_to_half_width_simplified_and_without_spaces():
    assert fold("巫山 組") == "巫山组"
    assert fold("ＡＢ１２") == "AB12"


def test_a_grid_stem_leaves_off_the_usual_suffixes():
    assert grid_stem("巫山组网格") == "巫山"
    assert grid_stem("巫山村民小组") == "巫山"
    assert grid_stem("巫山居民小组") == "巫山"
    assert grid_stem("组") == "组"


def test_a_grid_written_without_its_suffix_is_matched():
    assert suggest_grid("巫山", GRIDS) == 1
    assert suggest_grid("程家湾组", GRIDS) == 2


def test_a_grid_in_traditional_characters_is_matched():
    assert suggest_grid("巫山組", GRIDS) == 1
    assert suggest_grid("程家灣組網格", GRIDS) == 2


def test_a_grid_in_full_width_forms_is_matched_by_name_and_by_code():
    assert suggest_grid("巫山组\u3000网格", GRIDS) == 1
    assert suggest_grid("３４１８８１００１００１００２", GRIDS) == 2


def test_a_grid_no_name_fits_or_two_names_fit_is_not_guessed():
    assert suggest_grid("港口", GRIDS) is None
    assert suggest_grid("巫山", [*GRIDS, (3, "", "巫山村民小组")]) is None


def test_categories_are_matched_by_the_synonyms_ledgers_use():
    assert suggest_category("低保户", CATEGORIES) == 10
    assert suggest_category("低保对象", CATEGORIES) == 10
    assert suggest_category("五保户", CATEGORIES) == 11
    assert suggest_category("特困供养", CATEGORIES) == 11
    assert suggest_category("残疾人家庭", CATEGORIES) == 12
    assert suggest_category("DIBAO", CATEGORIES) == 10


def test_a_category_nothing_resembles_is_not_guessed():
    assert suggest_category("退役军人", CATEGORIES) is None


def test_an_executive_is_matched_by_name_when_the_name_is_unique():
    assert suggest_executive("汪秀兰", PEOPLE) == 7
    assert suggest_executive("汪 秀 蘭", PEOPLE) == 7
    assert suggest_executive("王红", PEOPLE) is None
    assert suggest_executive("王红（2222）", PEOPLE) == 10
    assert suggest_executive("李四", PEOPLE) is None
