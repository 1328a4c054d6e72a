"""The English catalogue: it is loaded, it is complete, and the compiled .mo matches the .po.

The UI is written in Chinese msgids; English comes from jinguo/locale/en. Running makemessages in
a test would be slow and needs GNU gettext, so the completeness check reads the sources directly
(the AST for Python, a regex for templates) and compares them with the committed .po.
"""

import ast
import gettext as pygettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# A catalogue key: (msgctxt, msgid), as Django's gettext calls look messages up.
Key = tuple[str | None, str]


_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[\d+\])?")


def _open_field(entry: dict, keyword: str, where: str) -> str:
    """Start the string that a keyword line (msgid, msgstr[1], …) opens; return its field."""
    match = _KEYWORD.fullmatch(keyword)
    assert match, f"{where}: cannot parse the keyword {keyword!r}"
    if match[1] == "msgstr":
        entry.setdefault("msgstr", []).append("")
    else:
        entry[match[1]] = ""
    return match[1]


def _append(entry: dict, field: str, text: str) -> None:
    if field == "msgstr":
        entry["msgstr"][-1] += text
    else:
        entry[field] += text


def _parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list), flags."""
    entries: list[dict] = []
    entry: dict = {}
    field: str | None = None

    def finish() -> None:
        if "msgid" in entry:
            entries.append(entry.copy())
        entry.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            field = None
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        if not line or line.startswith("#"):  # comments, flags, obsolete (#~) entries
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword.startswith('"'):  # continuation of the previous keyword's string
            keyword, rest = "", line
        if keyword == "msgctxt" and "msgid" in entry:
            finish()
        if keyword:
            field = _open_field(entry, keyword, f"{path}: {raw!r}")
        assert field is not None, f"{path}: string outside an entry: {raw!r}"
        _append(entry, field, ast.literal_eval(rest))
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    entries = [e for e in _parse_po(LOCALE / "django.po") if e["msgid"]]  # not the header
    assert len(entries) > 100
    return entries


def test_login_page_is_english_when_english_is_chosen(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Log in" in html and "Jinguo Grid" in html
    assert "登录" not in html and "巾帼网格" not in html and "用户名" not in html


def test_login_page_is_chinese_by_default(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{settings.LANGUAGE_CODE}">' in html
    assert "登录" in html and "Log in" not in html


def test_an_english_browser_alone_does_not_turn_the_pages_english(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in html and "Log in" not in html


def test_the_switcher_sets_english_for_later_pages(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_english_catalogue_is_loaded():
    with translation.override("en"):
        assert translation.gettext("网格") == "Grid"
        assert translation.gettext("妇女之家") == "Women's Home"
        assert translation.ngettext("共 %(n)s 个", "共 %(n)s 个", 1) == "%(n)s organisation"
        assert translation.ngettext("共 %(n)s 个", "共 %(n)s 个", 2) == "%(n)s organisations"
    with translation.override("zh-hans"):
        assert translation.gettext("网格") == "网格"


def test_po_has_no_untranslated_or_fuzzy_entries(po_entries):
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e.get("flags", ())]
    untranslated = [e["msgid"] for e in po_entries if not all(e["msgstr"])]
    assert not fuzzy, f"fuzzy entries are not compiled: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"
    header = _parse_po(LOCALE / "django.po")[0]
    assert header["msgid"] == "" and "fuzzy" not in header.get("flags", ())
    assert "Language: en\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"][0]


def test_translations_keep_every_placeholder(po_entries):
    wrong = []
    for e in po_entries:
        wanted = set(PLACEHOLDER.findall(e["msgid"]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in e["msgstr"]):
            wrong.append(e["msgid"])
        if len(e["msgstr"]) != (2 if "msgid_plural" in e else 1):
            wrong.append(e["msgid"])
    assert not wrong


def test_compiled_catalogue_matches_the_po(po_entries):
    """The committed .mo is up to date: recompile with `jinguo compilemessages` if this fails."""
    with (LOCALE / "django.mo").open("rb") as fp:
        mo = pygettext.GNUTranslations(fp)
    stale = []
    for e in po_entries:
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            got = [mo.ngettext(msgid, e["msgid_plural"], n) for n in (1, 2)]
        else:
            got = [mo.gettext(msgid)]
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    assert not stale, f"django.mo is out of date for: {stale}"


_GETTEXT_CALLS = {
    "_": False,
    "gettext": False,
    "gettext_lazy": False,
    "ngettext": False,
    "ngettext_lazy": False,
    "pgettext": True,
    "pgettext_lazy": True,
    "npgettext": True,
    "npgettext_lazy": True,
}


def _python_msgids(path: Path) -> set[Key]:
    found: set[Key] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in _GETTEXT_CALLS:
            continue
        strings = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if not strings:
            continue
        if _GETTEXT_CALLS[name]:
            if len(strings) >= 2:
                found.add((strings[0], strings[1]))
        else:
            found.add((None, strings[0]))
    return found


_TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?.*?%\}""", re.S
)
_BLOCK_TAG = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(?P<args>.*?)%\}(?P<body>.*?)"
    r"\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.S,
)


def _template_msgids(path: Path) -> set[Key]:
    text = path.read_text(encoding="utf-8")
    found: set[Key] = {(m[4], m[2]) for m in _TRANSLATE_TAG.finditer(text)}
    for m in _BLOCK_TAG.finditer(text):
        context = re.search(r"""context\s+(["'])(.*?)\1""", m["args"])
        singular = re.split(r"\{%\s*plural\s*%\}", m["body"])[0]
        if re.search(r"\btrimmed\b", m["args"]):
            singular = " ".join(singular.split())
        msgid = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", singular.replace("%", "%%"))
        found.add((context[2] if context else None, msgid))
    return found


def test_every_msgid_in_the_sources_is_in_the_catalogue(po_entries):
    """Catches new UI text added without running makemessages and translating it."""
    in_po: set[Key] = {(e.get("msgctxt"), e["msgid"]) for e in po_entries}
    in_sources: dict[Key, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts):
            continue
        for key in _python_msgids(path):
            in_sources.setdefault(key, str(path.relative_to(PACKAGE)))
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        for key in _template_msgids(path):
            in_sources.setdefault(key, str(path.relative_to(PACKAGE)))
    assert len(in_sources) > 100
    missing = {key: where for key, where in in_sources.items() if key not in in_po}
    assert not missing, (
        "run `jinguo makemessages -l en --ignore '.venv/*' --ignore 'var/*' --no-obsolete`, "
        f"translate and `jinguo compilemessages`; missing: {missing}"
    )
