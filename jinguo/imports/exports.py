"""Export of the rosters in the import template, streamed to a temporary file.

XlsxWriter's constant_memory mode flushes each row as it is written, and the rows come from
the database in chunks, so a 100,000-resident export does not hold the sheet in memory. ID
numbers and phones are masked unless the caller asked for full numbers and may have them, and
beside masked numbers birth dates are given as the year only (people.masking.birth_shown: the
masked digits are the birth date); sensitive categories and minors' names are masked likewise,
unless the caller sees them in clear anyway (households.policy).
The calling service audits the export either way.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.common.xlsx import workbook
from jinguo.households import masking
from jinguo.households.models import (
    Category,
    GridAssignment,
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    Resident,
    categories_by_token,
    in_order,
)
from jinguo.households.policy import sees_sensitive
from jinguo.households.scope import household_scope_q
from jinguo.imports.rosters import (
    CONCURRENT_LABELS,
    EDUCATION_LABELS,
    EXECUTIVE_COLUMNS,
    GENDER_LABELS,
    HOUSEHOLD_COLUMNS,
    MASSES,
    PARTY_MEMBER,
    POST_LABELS,
    RELATION_LABELS,
    SHEET_NAMES,
)
from jinguo.imports.sheet import Column
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q
from jinguo.people.masking import birth_shown, mask_id, mask_phone
from jinguo.people.models import ConcurrentPost, ExecutiveSeat
from jinguo.people.selectors import open_seats

CHUNK = 2000
COLUMNS = {"households": HOUSEHOLD_COLUMNS, "executives": EXECUTIVE_COLUMNS}
HELP_SHEET = "填写说明"

_HELP: dict[str, tuple[str, ...]] = {
    "households": (
        "每位家庭成员一行；同一户的成员填写相同的户号。户号、所属网格、姓名、身份证号为必填。",
        "所属网格、现居住网格填写网格编码（网格名称在本辖区内唯一时也可以）。",
        "身份证号须为18位，请把该列设为“文本”格式，否则Excel会丢失后几位。",
        "性别、出生日期可以不填（由身份证号得出）；填写时须与身份证号一致。",
        "户籍地址、现住址、重点类别、包保执委、备注是整户的信息，填在户内任意一行即可。",
        "重点类别可填多个，用顿号“、”、逗号或分号隔开，例如：低保、残疾。",
        "包保执委填写执委姓名；有重名时写成“姓名(身份证号后四位)”。须是该网格的执委。",
        "留空的单元格不会清除系统中已有的内容。重复导入同一文件不会产生变化。",
    ),
    "executives": (
        "每个职务一行。姓名、身份证号、所属妇联（组织编码）、职务为必填。",
        "职务：主席、副主席、执委、专干；专兼职：专职或兼职。",
        "政治面貌：中共党员、群众等；文化程度：小学及以下、初中、高中/中专、大专、本科、研究生。",
        "兼任职务可填多个（两委干部、居民组长、网格长、网格员），用顿号隔开。",
        "负责网格填写网格编码，多个用顿号隔开；不再列出的网格会结束负责关系。",
        "身份证号请设为“文本”格式。留空的单元格不会清除系统中已有的内容。",
    ),
}


def write_roster(
    target: IO[bytes] | str, *, kind: str, rows: Iterable[Sequence[Any]], with_help: bool = False
) -> int:
    """Write the roster sheet (and, for a template, the help sheet); the number of rows."""
    columns = COLUMNS[kind]
    book = workbook(target, in_memory=False)
    sheet = book.add_worksheet(SHEET_NAMES[kind])
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width, text if column.as_text else None)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [column.header for column in columns], head)
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            _write(sheet, count, col, value, text if columns[col].as_text else None, date)
    if with_help:
        _write_help(book, kind, columns, head)
    book.close()
    return count


def _write(sheet: Any, row: int, col: int, value: object, text: Any, date: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date)
    else:
        # Always a string: an 18-digit number written as a number loses its last digits.
        sheet.write_string(row, col, str(value), text)


def _write_help(book: Any, kind: str, columns: Sequence[Column], head: Any) -> None:
    sheet = book.add_worksheet(HELP_SHEET)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 100)
    sheet.write_string(0, 0, HELP_SHEET, head)
    for index, line in enumerate(_HELP[kind], start=1):
        sheet.write_string(index, 0, line, wrap)
    names = "；".join(f"{c.header}（也认：{'、'.join(c.synonyms)}）" for c in columns if c.synonyms)
    sheet.write_string(len(_HELP[kind]) + 2, 0, "可识别的列名：" + names, wrap)


def template(kind: str) -> IO[bytes]:
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    write_roster(target, kind=kind, rows=(), with_help=True)
    target.seek(0)
    return target


def export(*, user: User, root: OrgUnit, kind: str, full_numbers: bool) -> tuple[IO[bytes], int]:
    """The roster of `root`'s subtree as the user may see it, in a temporary file at position
    0, and the number of data rows."""
    rows = household_rows if kind == "households" else executive_rows
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    count = write_roster(target, kind=kind, rows=rows(user=user, root=root, full=full_numbers))
    target.seek(0)
    return target, count


def _numbers(full: bool) -> tuple[Any, Any]:
    if full:
        return (lambda v: v), (lambda v: v)
    return mask_id, mask_phone


# ---------------------------------------------------------------------------------------------
# Households


def visible_households(*, user: User, root: OrgUnit) -> QuerySet[Household]:
    """Households whose home grid lies in `root`'s subtree, as far as `user` may see them."""
    return Household.objects.filter(household_scope_q(user=user), root.subtree_q("grid__"))


def household_rows(*, user: User, root: OrgUnit, full: bool) -> Iterator[list[Any]]:
    households = visible_households(user=user, root=root)
    ids = households.values("pk")
    # The full export (a cadre, a reason, audited) shows what the pages mask, like the numbers.
    clear = full or sees_sensitive(user)
    categories = _household_categories(ids, clear=clear)
    executives = _household_executives(ids)
    show_id, show_phone = _numbers(full)
    today = timezone.localdate()
    residents = (
        Resident.objects.filter(household__in=ids)
        .annotate(
            head_first=Case(
                When(relation=Resident.Relation.HEAD, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("household__grid__path", "household__number", "head_first", "pk")
        .values_list(
            "household_id",
            "household__number",
            "household__grid__code",
            "person__name",
            "relation",
            "person__id_number",
            "person__gender",
            "person__birth_date",
            "person__phone",
            "household__address",
            "household__living_address",
            "household__living_grid__code",
            "household__note",
        )
    )
    for (
        household_id,
        number,
        grid,
        name,
        relation,
        id_number,
        gender,
        birth,
        phone,
        address,
        living_address,
        living_grid,
        note,
    ) in residents.iterator(chunk_size=CHUNK):
        yield [
            number,
            grid,
            masking.person_name(name, birth, clear=clear, today=today),
            RELATION_LABELS.get(relation, relation),
            show_id(id_number) if id_number else "",
            GENDER_LABELS.get(gender, ""),
            birth_shown(birth, full_number=full),
            show_phone(phone) if phone else "",
            address,
            living_address,
            living_grid or "",
            categories.get(household_id, ""),
            executives.get(household_id, ""),
            note,
        ]
    yield from _empty_households(households, categories, executives)


def _empty_households(
    households: QuerySet[Household], categories: dict[int, str], executives: dict[int, str]
) -> Iterator[list[Any]]:
    """Households without residents: one row of household columns, so nothing is lost."""
    empty = households.filter(residents__isnull=True).order_by("grid__path", "number")
    for pk, number, grid, address, living_address, living_grid, note in empty.values_list(
        "pk", "number", "grid__code", "address", "living_address", "living_grid__code", "note"
    ):
        yield [
            number,
            grid,
            "",
            "",
            "",
            "",
            None,
            "",
            address,
            living_address,
            living_grid or "",
            categories.get(pk, ""),
            executives.get(pk, ""),
            note,
        ]


def _household_categories(ids: QuerySet[Any], *, clear: bool) -> dict[int, str]:
    pairs: dict[int, list[Category]] = {}
    by_token = categories_by_token()  # links hold tokens (households.tokens)
    links = HouseholdCategory.objects.filter(household__in=ids).values_list("household_id", "token")
    for household_id, token in links.iterator(chunk_size=CHUNK):
        if token in by_token:
            pairs.setdefault(household_id, []).append(by_token[token])
    label = masking.SENSITIVE_LABEL_ZH
    return {
        pk: "、".join(masking.shown_names(_by_order(held), clear=clear, label=label))
        for pk, held in pairs.items()
    }


def _by_order(categories: list[Category]) -> list[tuple[str, bool]]:
    return [(c.name, c.sensitive) for c in in_order(categories)]


def _household_executives(ids: QuerySet[Any]) -> dict[int, str]:
    rows = HouseholdAssignment.objects.filter(
        household__in=ids, kind=HouseholdAssignment.Kind.RESPONSIBLE, end_date__isnull=True
    ).values_list("household_id", "executive__name")
    return dict(rows.iterator(chunk_size=CHUNK))


# ---------------------------------------------------------------------------------------------
# Executives


def visible_seats(*, user: User, root: OrgUnit) -> QuerySet[ExecutiveSeat]:
    return open_seats(org=root, user=user)


def executive_rows(*, user: User, root: OrgUnit, full: bool) -> Iterator[list[Any]]:
    seats = visible_seats(user=user, root=root).order_by("org__path", "post", "person__name")
    person_ids = seats.values("person_id")
    posts: dict[tuple[int, int], list[str]] = {}
    open_posts = ConcurrentPost.objects.filter(person__in=person_ids, end_date__isnull=True)
    for person, org, kind in open_posts.values_list("person_id", "org_id", "kind"):
        posts.setdefault((person, org), []).append(CONCURRENT_LABELS.get(kind, kind))
    grids: dict[int, list[str]] = {}
    open_grids = GridAssignment.objects.filter(
        Q(executive__in=person_ids),
        scope_q(user=user, field="grid"),
        root.subtree_q("grid__"),
        end_date__isnull=True,
    ).order_by("grid__path")
    for person, code in open_grids.values_list("executive_id", "grid__code"):
        grids.setdefault(person, []).append(code)
    show_id, show_phone = _numbers(full)
    for row in seats.values_list(
        "person_id",
        "org_id",
        "person__name",
        "person__id_number",
        "person__gender",
        "person__phone",
        "person__education",
        "person__party_member",
        "org__code",
        "post",
        "full_time",
        "term_start",
        "term_end",
    ).iterator(chunk_size=CHUNK):
        person, org, name, id_number, gender, phone, education, party = row[:8]
        code, post, full_time, start, end = row[8:]
        yield [
            name,
            show_id(id_number) if id_number else "",
            GENDER_LABELS.get(gender, ""),
            show_phone(phone) if phone else "",
            EDUCATION_LABELS.get(education, ""),
            PARTY_MEMBER if party else MASSES,
            code,
            POST_LABELS.get(post, post),
            "专职" if full_time else "兼职",
            start,
            end,
            "、".join(sorted(posts.get((person, org), []))),
            "、".join(grids.get(person, [])),
        ]
