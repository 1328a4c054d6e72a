from pypinyin import Style, lazy_pinyin


def pinyin_initials(name: str) -> str:
    """王小红 → "wxh", so a volunteer can type three letters on a phone keyboard."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letters).lower()[:20]
