import datetime as dt

import pytest

from jinguo.imports import cells
from jinguo.imports.persons import initials
from jinguo.people.names import pinyin_initials


def test_text_is_kept_as_typed_but_its_spaces_are_trimmed_and_collapsed():
    assert cells.text("  新迁入，独居老人（低保）：待核实　 ") == "新迁入，独居老人（低保）：待核实"
    assert cells.text("  Ｈ００１　 号 ") == "Ｈ００１ 号"
    assert cells.text(1001.0) == "1001"
    assert cells.text(None) == ""


def test_a_code_or_number_is_folded_to_half_width_without_spaces():
    assert cells.compact("  Ｈ００１　 号 ") == "H001号"
    assert cells.compact("ＳＨ０３１") == "SH031"


def test_each_of_several_values_in_one_cell_is_a_folded_look_up_key():
    assert cells.split_list("低保户，独居老人、Ａ类") == ["低保户", "独居老人", "A类"]


def test_a_chinese_name_loses_its_padding_but_a_latin_one_keeps_its_space():
    assert cells.name("王　 秀英") == "王秀英"
    assert cells.name(" Anna  Li ") == "Anna Li"


def test_an_id_number_stored_as_a_long_number_has_lost_digits():
    with pytest.raises(cells.CellError, match="身份证号被Excel存成了数字，后几位已丢失"):
        cells.id_number(3.4188119900101123e17)
    with pytest.raises(cells.CellError, match="后几位已丢失"):
        cells.id_number("3.41881199001011E+17")


def test_a_fifteen_digit_number_survives_excel_and_is_read_as_text():
    assert cells.id_number(341881900101123.0) == "341881900101123"
    assert cells.id_number("３４１８８１ １９９００１０１１２３x") == "34188119900101123X"


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1, 0, 0),  # noqa: DTZ001 (a naive cell value, as calamine gives)
        45352.0,
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "2024年3月1日",
        "20240301",
        20240301,
        "２０２４－０３－０１",
        "2024-03-01 00:00:00",
    ],
)
def test_dates_in_the_ways_ledgers_write_them(value):
    assert cells.date(value) == dt.date(2024, 3, 1)


def test_an_unreadable_date_says_how_to_write_it():
    with pytest.raises(cells.CellError, match="日期“2024-13-01”无法识别，请写成2024-03-01的格式"):
        cells.date("2024-13-01")
    with pytest.raises(cells.CellError, match="无法识别"):
        cells.date("去年")


def test_gender_and_lists():
    assert cells.gender("女") == "F"
    assert cells.gender(" 男 ") == "M"
    assert cells.gender("") == ""
    with pytest.raises(cells.CellError, match="性别“未知”无法识别"):
        cells.gender("未知")
    assert cells.split_list("低保、残疾，大病;独居老人；流动人口") == [
        "低保",
        "残疾",
        "大病",
        "独居老人",
        "流动人口",
    ]


def test_phones_are_stored_as_digits_and_wrong_ones_say_why():
    assert cells.phone(13800001111.0) == "13800001111"
    assert cells.phone("138 0000 1111") == "13800001111"
    assert cells.phone("") == ""
    with pytest.raises(cells.CellError, match="联系电话"):
        cells.phone("12345")


def test_fast_pinyin_initials_agree_with_the_people_app():
    names = [
        "王秀英",
        "单丽",  # polyphonic surname (shan/dan)
        "曾小红",
        "长孙无忌",
        "解放",
        "乐乐",
        "重庆人",
        "Anna王",
        "阿依·古丽",
        "欧阳娜娜",
        "朴树",
        "盖玉兰",
    ]
    for name in names:
        assert initials(name) == pinyin_initials(name), name


def test_fast_pinyin_initials_agree_on_many_generated_names():
    import random

    from pypinyin.constants import PINYIN_DICT

    chars = [chr(c) for c in range(0x4E00, 0x9FA6) if c in PINYIN_DICT]
    rng = random.Random(7)  # noqa: S311
    for _ in range(5000):
        name = "".join(rng.choice(chars) for _ in range(rng.choice((2, 3, 4))))
        assert initials(name) == pinyin_initials(name), name
