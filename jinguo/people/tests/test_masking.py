"""Masking, pinyin initials and phone parsing: the small pure functions behind the lists."""

import pytest

from jinguo.people.masking import mask_id, mask_phone
from jinguo.people.names import pinyin_initials
from jinguo.people.phones import PhoneError, parse_phone


def test_an_id_number_keeps_region_and_last_four():
    assert mask_id("34188119850312002X") == "341881********002X"


def test_a_mobile_keeps_prefix_and_last_four():
    assert mask_phone("13912345678") == "139****5678"


def test_short_values_are_masked_entirely_and_blank_stays_blank():
    assert mask_id("12345") == "*****"
    assert mask_phone("12345") == "*****"
    assert mask_id("") == "" and mask_phone("") == ""


@pytest.mark.parametrize(
    ("name", "initials"), [("王小红", "wxh"), ("汪秀兰", "wxl"), ("程丽", "cl"), ("", "")]
)
def test_pinyin_initials_are_lower_case_first_letters(name, initials):
    assert pinyin_initials(name) == initials


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("１３９ １２３４ ５６７８", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("0563-4012345", "05634012345"),
        ("（0563）40123456", "056340123456"),
        ("13912345678.0", "13912345678"),
        ("", ""),
    ],
)
def test_phones_are_stored_as_digits(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1391234567", "11位手机号"),
        ("4012345", "带区号的固定电话"),
        ("23912345678", "实际为11位数字"),
        ("139abc45678", "只能包含数字"),
    ],
)
def test_bad_phones_say_what_is_expected(typed, message):
    with pytest.raises(PhoneError, match=message):
        parse_phone(typed)
