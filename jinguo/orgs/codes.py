"""Validation of division codes and names; every message says what is wrong in Chinese."""

import unicodedata

from django.utils.translation import gettext as _

from jinguo.orgs.kinds import (
    CODE_LENGTH,
    PROVINCE_PREFIXES,
    SIGNIFICANT_DIGITS,
    TERRITORIAL_LEVEL,
    kind_label,
)

MAX_FREE_CODE = 18


def clean_text(value: object) -> str:
    """Free text (names, addresses, notes, reasons) as typed, only trimmed: Chinese text keeps
    its full-width punctuation (「，」「：」「（）」) and its letters."""
    if value is None:
        return ""
    return str(value).strip()


def normalize_identifier(value: object) -> str:
    """An identifier (a code, a household number) or a look-up key: full-width digits, letters
    and punctuation to half-width (NFKC), trimmed. Never for text that is stored as typed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_code(value: object) -> str:
    text = normalize_identifier(value).replace(" ", "").upper()
    # A code typed into Excel as a number can come back as "341800000000.0".
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def code_errors(*, kind: str, code: str, parent_kind: str | None, parent_code: str) -> list[str]:
    """Everything wrong with `code` for a unit of `kind` under a parent of `parent_kind`."""
    level = TERRITORIAL_LEVEL.get(kind)
    if level is None:
        return _free_code_errors(code)
    if not code:
        return [_("%(kind)s必须填写区划代码") % {"kind": kind_label(kind)}]
    length, own = CODE_LENGTH[level], SIGNIFICANT_DIGITS[level]
    if not code.isdigit():
        return [_("区划代码“%(code)s”只能包含数字") % {"code": code}]
    if len(code) != length:
        return [
            _("%(kind)s的区划代码应为%(n)d位数字，实际为%(m)d位")
            % {"kind": kind_label(kind), "n": length, "m": len(code)}
        ]
    errors = []
    if code[:2] not in PROVINCE_PREFIXES:
        errors.append(_("区划代码前两位“%(p)s”不是有效的省级代码") % {"p": code[:2]})
    if code[own:].strip("0"):
        errors.append(
            _("%(kind)s的区划代码第%(start)d位起应全为0")
            % {"kind": kind_label(kind), "start": own + 1}
        )
    parent_own = SIGNIFICANT_DIGITS.get(level - 1, 2)
    if not code[parent_own:own].strip("0"):
        errors.append(
            _("%(kind)s的区划代码第%(a)d–%(b)d位不能全为0")
            % {"kind": kind_label(kind), "a": parent_own + 1, "b": own}
        )
    if parent_kind in TERRITORIAL_LEVEL and code[:parent_own] != parent_code[:parent_own]:
        errors.append(
            _("区划代码前%(n)d位应与上级的区划代码（%(parent)s）一致")
            % {"n": parent_own, "parent": parent_code}
        )
    return errors


def _free_code_errors(code: str) -> list[str]:
    if len(code) > MAX_FREE_CODE:
        return [_("编码最长%(n)d位") % {"n": MAX_FREE_CODE}]
    if code and not code.isalnum():
        return [_("编码“%(code)s”只能包含字母和数字") % {"code": code}]
    return []


def name_errors(name: str) -> list[str]:
    if not name:
        return [_("名称不能为空")]
    if len(name) > 100:
        return [_("名称最长100个字")]
    return []
