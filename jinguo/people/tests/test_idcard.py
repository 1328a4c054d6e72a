import datetime as dt

import pytest

from jinguo.people.idcard import IdCardError, check_digit, normalize_id, parse_id
from jinguo.people.tests.factories import make_id, make_id_ending_in_x


def test_a_valid_number_gives_birth_date_and_gender():
    number = make_id("19850312", female=True)
    card = parse_id(number)
    assert card.number == number
    assert card.birth_date == dt.date(1985, 3, 12)
    assert card.gender == "F"


def test_an_odd_sequence_digit_is_a_man():
    assert parse_id(make_id("19600101", female=False)).gender == "M"


def test_a_checksum_of_x_is_accepted_in_either_case():
    number = make_id_ending_in_x()
    assert number.endswith("X") and check_digit(number[:17]) == "X"
    assert parse_id(number).number == number
    assert parse_id(number.lower()).number == number


def test_full_width_digits_and_spaces_are_normalised():
    number = make_id("19900101")
    full_width = " ".join(chr(ord(c) + 0xFEE0) for c in number)  # "３ ４ １ …"
    assert normalize_id(full_width) == number
    assert parse_id(f"\u3000{full_width} ").number == number


def test_a_15_digit_legacy_number_is_an_error_that_says_so():
    with pytest.raises(IdCardError, match="15位旧身份证"):
        parse_id("341881850312002")


def test_a_wrong_checksum_says_which_digit_is_expected():
    number = make_id("19850312")
    expected = number[17]
    wrong = "0" if expected != "0" else "1"
    with pytest.raises(IdCardError) as excinfo:
        parse_id(number[:17] + wrong)
    assert f"最后一位应为{expected}" in str(excinfo.value)


@pytest.mark.parametrize("birth", ["19850230", "19851301", "18991231"])
def test_an_impossible_birth_date_is_an_error(birth):
    first17 = f"341881{birth}012"
    with pytest.raises(IdCardError, match="出生日期"):
        parse_id(first17 + check_digit(first17))


def test_a_birth_date_in_the_future_is_an_error():
    first17 = "341881" + "29991231" + "012"
    with pytest.raises(IdCardError, match="出生日期29991231无效"):
        parse_id(first17 + check_digit(first17))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("34188119850312", "应为18位，实际为14位"),
        ("34188119850312002A", "最后一位为数字或X"),
        ("991881198503120020", "不是有效的地区代码"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(value, message):
    with pytest.raises(IdCardError, match=message):
        parse_id(value)
