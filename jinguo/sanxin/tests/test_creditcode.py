import pytest

from jinguo.sanxin.creditcode import CreditCodeError, check_character, parse_credit_code

VALID = "91350100M000100Y43"


def test_the_known_code_passes_its_checksum():
    # Weights 3^i mod 31; sum over the first 17 characters' values, check = 31 - sum mod 31.
    assert check_character(VALID[:17]) == "3"
    assert parse_credit_code(VALID) == VALID


def test_lower_case_and_full_width_are_normalised():
    assert parse_credit_code(" 91350100m000100y43 ") == VALID
    assert parse_credit_code("９１350100M000100Y43") == VALID


def test_blank_is_allowed():
    assert parse_credit_code("") == ""


def test_a_wrong_check_character_names_the_expected_one():
    with pytest.raises(CreditCodeError) as exc:
        parse_credit_code(VALID[:17] + "4")
    assert "第18位应为3" in str(exc.value)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters_are_refused(letter):
    code = VALID[:8] + letter + VALID[9:]
    with pytest.raises(CreditCodeError) as exc:
        parse_credit_code(code)
    assert letter in str(exc.value) and "不使用字母" in str(exc.value)


def test_a_short_code_says_how_long_it_is():
    with pytest.raises(CreditCodeError) as exc:
        parse_credit_code("9135010")
    assert "实际为7位" in str(exc.value)
