"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
0-9 and the capital letters without I, O, Z, S and V; the last one a check character
computed from the first 17 (weights 3^i mod 31, check = 31 - sum mod 31)."""

import unicodedata

from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
FORBIDDEN = "IOZSV"


class CreditCodeError(ValueError):
    pass


def normalize_credit_code(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def parse_credit_code(value: object) -> str:
    """The code normalised ("" for blank), or CreditCodeError saying in Chinese what is wrong."""
    code = normalize_credit_code(value)
    if not code:
        return ""
    if len(code) != 18:
        raise CreditCodeError(_("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)})
    bad = sorted({ch for ch in code if ch in FORBIDDEN})
    if bad:
        raise CreditCodeError(
            _("统一社会信用代码不使用字母I、O、Z、S、V，出现了：%(chars)s")
            % {"chars": "、".join(bad)}
        )
    others = sorted({ch for ch in code if ch not in CHARSET})
    if others:
        raise CreditCodeError(
            _("统一社会信用代码只能由数字和大写字母组成，出现了：%(chars)s")
            % {"chars": "、".join(others)}
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            _("统一社会信用代码校验位错误：第18位应为%(expected)s，实际为%(given)s")
            % {"expected": expected, "given": code[17]}
        )
    return code
