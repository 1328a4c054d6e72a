"""Issue 20, item 4: a masked ID number cannot be joined back to the whole number.

The mask 341881********5663 hides exactly the eight digits of the birth date. These tests play
the read-only leader who rebuilt 188 of 274 numbers from the masked roster: everything she can
see of a person — the pages, the API's JSON, the masked roster exports — is gathered, every
birth date, month or year shown there and whether the name is shown masked as a minor's, and
every date that fits all of it and the check digit is a candidate. The number must never come
down to one candidate. The targeted tests below say the same per surface.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.audit.models import AuditEvent
from jinguo.households import masking as household_masking
from jinguo.households.models import Resident
from jinguo.households.policy import sees_sensitive
from jinguo.households.services import resident_add
from jinguo.households.tests.factories import household
from jinguo.people import masking
from jinguo.people.idcard import check_digit
from jinguo.people.masking import mask_id, mask_phone
from jinguo.people.models import Person
from jinguo.people.tests.factories import make_executive, make_id, make_person

JSON = "application/json"


def _years_ago(years: int, month: int, day: int) -> dt.date:
    return dt.date(timezone.localdate().year - years, month, day)


@pytest.fixture
def family(tree):
    """A household of 巫山组网格 — mother, father, a child of eight, a daughter who turns 18
    this year — and an executive of 嵩合社区, every one with a real ID number."""
    born = {
        "王秀英": (dt.date(1985, 3, 12), True),
        "李建国": (dt.date(1983, 7, 21), False),
        "李小明": (_years_ago(8, 5, 17), False),
        "李小丽": (_years_ago(18, 12, 30), True),
    }
    people = {
        name: make_person(
            tree.wushan,
            name,
            id_number=make_id(birth.strftime("%Y%m%d"), female=female),
            phone="13912345678",
        )
        for name, (birth, female) in born.items()
    }
    home = household(tree.wushan, "WS-100", head=people["王秀英"])
    for name, relation in (("李建国", "spouse"), ("李小明", "child"), ("李小丽", "child")):
        resident_add(actor=None, household=home, person=people[name], relation=relation)
    people["程丽"] = make_executive(
        tree.songhe, "程丽", id_number=make_id("19791102"), phone="13800001111"
    )
    return home, list(people.values())


# --- what the leader sees -----------------------------------------------------------------------


@dataclass
class Seen:
    """What a viewer saw of one person: birth dates, months and years shown as hers, and
    whether her name was shown masked (张*: a minor, households.masking.is_minor)."""

    births: list[Any] = field(default_factory=list)
    masked_name: bool | None = None


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _sheet(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _json(client, url: str, **params) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def _results(body: Any) -> list[dict[str, Any]]:
    return body["results"] if isinstance(body, dict) and "results" in body else body


def _html(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def gather(user, client, org, home, people: list[Person]) -> dict[int, Seen]:
    """Everything `user` (signed in on `client`) is shown about `people`, joined by the masked
    number, the person's id or the row, as someone with the pages, the API and the exports
    would join it. A masked name says «a minor» only to someone who sees the others masked."""
    names_say_minor = not sees_sensitive(user)
    seen = {p.pk: Seen() for p in people}
    by_mask = {mask_id(p.id_number): p for p in people}

    def json_person(obj: dict[str, Any], pk: int) -> None:
        seen[pk].births += [v for k, v in obj.items() if "birth" in k and v is not None]
        person = next(p for p in people if p.pk == pk)
        if "name" in obj and names_say_minor:
            seen[pk].masked_name = obj["name"] != person.name

    # The API: the people list and each person, the household with its residents, the roster.
    for obj in _results(_json(client, "/api/v1/people/", org=org.pk)):
        if obj["id"] in seen:
            json_person(obj, obj["id"])
    for p in people:
        json_person(_json(client, f"/api/v1/people/{p.pk}/"), p.pk)
    for obj in _json(client, f"/api/v1/households/{home.pk}/")["residents"]:
        json_person(obj, obj["person"])
    for obj in _results(_json(client, "/api/v1/people/executives/", org=org.pk)):
        json_person(obj, obj["person"])

    # The pages: each person's row in the people list, the person's page, the household's
    # residents, the executive roster. Each fragment that shows a masked number is hers.
    fragments = re.findall(
        r'<a class="list-group-item[^"]*"[^>]*>(.*?)</a>',
        _html(client, reverse("people:list"), org=org.pk),
        flags=re.S,
    )
    fragments += re.findall(
        r"<tr>(.*?)</tr>", _html(client, reverse("households:detail", args=[home.pk])), re.S
    )
    fragments += [_html(client, reverse("people:executives"), org=org.pk)]
    for fragment in map(_text, fragments):
        for mask, p in by_mask.items():
            if mask in fragment:
                seen[p.pk].births += _dates_in(fragment, label=None)
    for p in people:
        page = _text(_html(client, reverse("people:detail", args=[p.pk])))
        seen[p.pk].births += _dates_in(page, label="出生")

    # The masked roster exports: the birth-date column of each row that shows her number.
    for kind in ("households", "executives"):
        rows = _sheet(_download(client, f"/imports/export/{kind}.xlsx?org={org.pk}"))
        header = rows[0]
        births = [i for i, title in enumerate(header) if "出生" in str(title)]
        for row in rows[1:]:
            for cell in row:
                if cell in by_mask:
                    seen[by_mask[cell].pk].births += [row[i] for i in births if row[i]]
    return seen


_FULL = re.compile(r"(?<!\d)(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})(?!\d)")
_MONTH = re.compile(r"(?<!\d)(\d{4})[-/年](\d{1,2})(?![-/\d])")
_YEAR = re.compile(r"(?<![\d*])((?:19|20)\d{2})(?![\d*])")


def _dates_in(text: str, *, label: str | None) -> list[str]:
    """Date-like words in `text`, or only the one after `label`. Masked numbers and phones
    are taken out first: their digits are not dates."""
    text = re.sub(r"[\dX]*\*+[\dX]*", " ", text)
    if label is not None:
        found = re.search(re.escape(label) + r"\s*([\d年月日/-]+)", text)
        return [found.group(1)] if found else []
    return [m.group(0) for pattern in (_FULL, _MONTH, _YEAR) for m in pattern.finditer(text)]


def _fits(value: Any, date: dt.date) -> bool:
    """Whether a birth date shown as `value` (a date, a year, or text) can be `date`."""
    if isinstance(value, dt.datetime):
        return value.date() == date
    if isinstance(value, dt.date):
        return value == date
    if isinstance(value, int):
        return value == date.year
    text = str(value)
    for pattern, parts in ((_FULL, 3), (_MONTH, 2), (_YEAR, 1)):
        found = pattern.fullmatch(text.strip())
        if found:
            return tuple(map(int, found.groups())) == (date.year, date.month, date.day)[:parts]
    raise AssertionError(f"not a date: {value!r}")


def candidates(masked: str, seen: Seen) -> list[str]:
    """Every whole number that fits the masked one, its check digit and all that was seen."""
    region, sequence, check = masked[:6], masked[-4:-1], masked[-1]
    today = timezone.localdate()
    day, found = dt.date(1900, 1, 1), []
    while day <= today:
        digits = day.strftime("%Y%m%d")
        if (
            check_digit(region + digits + sequence) == check
            and all(_fits(value, day) for value in seen.births)
            and seen.masked_name in (None, household_masking.is_minor(day, today))
        ):
            found.append(region + digits + sequence + check)
        day += dt.timedelta(days=1)
    return found


# --- the attack -----------------------------------------------------------------------------


def test_a_leader_cannot_rebuild_any_id_number_from_what_she_is_shown(family, tree, cast, login):
    home, people = family
    leader = cast.county_leader
    seen = gather(leader, login(leader), tree.songhe, home, people)
    for person in people:
        observed = seen[person.pk]
        assert observed.births, f"{person.name}: the leader is shown some birth information"
        found = candidates(mask_id(person.id_number), observed)
        assert person.id_number in found  # the attack's model of what she saw is right
        assert len(found) > 10, f"{person.name}: {len(found)} numbers fit what she saw"


def test_the_grid_member_who_sees_minors_in_clear_cannot_rebuild_them_either(
    family, tree, cast, login
):
    home, persons = family
    residents = persons[:4]  # 程丽 sits on the community's committee: not in her grid
    member = cast.wushan_member
    seen = gather(member, login(member), tree.wushan, home, residents)
    for person in residents:
        found = candidates(mask_id(person.id_number), seen[person.pk])
        assert person.id_number in found and len(found) > 10, person.name


# --- one surface at a time -----------------------------------------------------------------------


def test_birth_shown_beside_a_masked_number_is_the_year_and_in_full_only_beside_the_whole():
    born = dt.date(1985, 3, 12)
    assert masking.birth_shown(born) == 1985
    assert masking.birth_shown(born, full_number=True) == born
    assert masking.birth_shown(None) is None
    assert masking.birth_shown(None, full_number=True) is None


def test_the_minor_mask_changes_on_new_years_day_not_on_the_birthday():
    """Were the name unmasked on the 18th birthday, the day it changes would give the day of
    birth, and with the year, the region and the last four, the number."""
    born = dt.date(2008, 6, 15)
    days_of_2026 = [dt.date(2026, 1, 1), dt.date(2026, 6, 14), dt.date(2026, 6, 15)]
    days_of_2026 += [dt.date(2026, 6, 16), dt.date(2026, 12, 31)]
    assert {household_masking.is_minor(born, day) for day in days_of_2026} == {True}
    assert not household_masking.is_minor(born, dt.date(2027, 1, 1))
    assert household_masking.is_minor(dt.date(2015, 1, 1), dt.date(2026, 6, 1))
    assert not household_masking.is_minor(dt.date(1985, 3, 12), dt.date(2026, 6, 1))


@pytest.mark.parametrize("who", ["county_leader", "songhe_chair", "wushan_member"])
def test_the_people_api_gives_the_birth_year_only(family, tree, cast, login, who):
    _home, people = family
    client = login(getattr(cast, who))
    mother = people[0]
    for body in (
        _json(client, f"/api/v1/people/{mother.pk}/"),
        next(o for o in _results(_json(client, "/api/v1/people/")) if o["id"] == mother.pk),
    ):
        assert body["id_number"] == mask_id(mother.id_number)
        assert body["birth_year"] == 1985 and "birth_date" not in body
        assert "1985-03" not in str(body)


def test_the_household_api_gives_no_birth_date_beside_the_masked_numbers(family, cast, login):
    home, _people = family
    body = _json(login(cast.wushan_member), f"/api/v1/households/{home.pk}/")
    assert "1985-03" not in str(body) and "-05-17" not in str(body)


@pytest.mark.parametrize("who", ["county_leader", "songhe_chair", "wushan_member"])
def test_the_masked_roster_export_gives_the_birth_year_only(family, tree, cast, login, who):
    client = login(getattr(cast, who))
    org = tree.wushan if who == "wushan_member" else tree.songhe
    rows = _sheet(_download(client, f"/imports/export/households.xlsx?org={org.pk}"))
    column = rows[0].index("出生日期")
    births = [row[column] for row in rows[1:]]
    assert births and not any(isinstance(b, dt.date) for b in births)
    assert "1985" in [str(b) for b in births]


def test_the_full_number_export_gives_the_whole_birth_date(family, tree, cast, login):
    client = login(cast.songhe_chair)
    response = client.post(
        f"/imports/export/households.xlsx?org={tree.songhe.pk}",
        {"full_numbers": "on", "purpose": "assistance", "reason": "低保年审入户核对"},
    )
    rows = _sheet(b"".join(response.streaming_content))
    column = rows[0].index("出生日期")
    births = [row[column] for row in rows[1:]]
    assert dt.date(1985, 3, 12) in [b.date() for b in births if isinstance(b, dt.datetime)]


@pytest.mark.parametrize("who", ["county_leader", "wushan_member"])
def test_the_people_pages_show_no_whole_birth_date(family, tree, cast, login, who):
    _home, people = family
    client = login(getattr(cast, who))
    mother = people[0]
    pages = [
        _html(client, reverse("people:list"), org=tree.wushan.pk),
        _html(client, reverse("people:detail", args=[mother.pk])),
    ]
    for page in pages:
        assert mask_id(mother.id_number) in page
        assert "1985-03" not in page and "1985年3月" not in page
    assert "出生 1985" in _text(pages[1])


def test_the_household_reveal_gives_minors_by_name_and_birth_year(family, cast, login):
    home, people = family
    child = people[2]
    response = login(cast.songhe_chair).post(
        reverse("households:reveal", args=[home.pk]),
        {"purpose": "assistance", "reason": "困境儿童帮扶入户核对"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert child.name in page and str(child.birth_date.year) in page
    assert child.birth_date.isoformat() not in page


def test_unmasking_shows_the_whole_birth_date_with_the_whole_number(family, cast, login):
    _home, people = family
    mother = people[0]
    client = login(cast.songhe_chair)
    data = {"purpose": "assistance", "reason": "填写临时救助申请表"}
    page = client.post(
        reverse("people:unmask", args=[mother.pk]), data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert mother.id_number in page and "1985-03-12" in page
    body = client.post(f"/api/v1/people/{mother.pk}/unmask/", data, content_type=JSON).json()
    assert body == {
        "id_number": mother.id_number,
        "phone": mother.phone,
        "birth_date": "1985-03-12",
    }


def test_the_masked_phone_and_number_are_what_every_surface_shows(family, cast, login):
    """The attack above joins by the masked number: make sure that is what pages carry."""
    home, people = family
    page = _html(login(cast.county_leader), reverse("households:detail", args=[home.pk]))
    for person in people[:4]:
        assert mask_id(person.id_number) in page and mask_phone(person.phone) in page
    assert Resident.objects.filter(household=home).count() == 4


# --- searching by a whole number ----------------------------------------------------------------


def test_every_search_by_a_whole_id_number_is_audited_with_the_number_masked(
    family, tree, cast, login
):
    """The year, the region and the last four leave about 30 numbers; a search by a whole
    number says which one is hers. Each guess leaves an audit row the auditor can see."""
    _home, people = family
    mother = people[0]
    client = login(cast.county_leader)
    guess = mother.id_number[:10] + "0101" + mother.id_number[14:]
    client.get(reverse("people:list"), {"q": guess})
    client.get(reverse("people:list"), {"q": mother.id_number})
    client.get("/api/v1/people/", {"q": mother.id_number})
    client.get(reverse("people:pick"), {"q": mother.id_number, "field": "people"})
    client.get(reverse("people:list"), {"q": mother.id_number[-4:]})  # a tail: not a guess
    rows = AuditEvent.objects.filter(action="person.search_id").order_by("pk")
    assert [(r.actor, r.changes["found"]) for r in rows] == [
        (cast.county_leader, False),
        (cast.county_leader, True),
        (cast.county_leader, True),
        (cast.county_leader, True),
    ]
    assert {r.note for r in rows} == {mask_id(mother.id_number)}
    assert not any(mother.id_number in str(r.changes) + r.note for r in rows)


def test_a_search_by_name_or_last_four_writes_no_audit_row(family, cast, login):
    client = login(cast.county_leader)
    client.get(reverse("people:list"), {"q": "王秀英"})
    client.get("/api/v1/people/", {"q": "王"})
    assert not AuditEvent.objects.filter(action="person.search_id").exists()
