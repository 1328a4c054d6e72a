"""Every date, date-and-time and time input the application renders holds a value the browser
keeps: empty or ISO (2026-12-07, 2026-12-07T09:30, 09:30). A browser drops any other value, the
locale's 2026/12/07 included, and shows an empty box: a pre-filled date is then «该字段是必填项»
on save, and an optional one is cleared (issue 21, item 2).

Checked twice: every form class of the apps, field by field, and every page of the
authorisation matrix (the demo's records: edit forms pre-filled) and every page without a record
in its path, as the county cadre opens them."""

import datetime as dt
import inspect
import re
from importlib import import_module
from pathlib import Path

import pytest
from django import forms
from django.utils import timezone, translation

from jinguo.activities.models import VolunteerTeam
from jinguo.common import dates
from jinguo.common.tests.test_authorisation_matrix import (  # noqa: F401 (fixtures)
    FILE_ROUTES,
    SKIPPED_PREFIXES,
    _client,
    _walk,
    demo,
    urls,
)
from jinguo.households.models import GridAssignment, HouseholdAssignment
from jinguo.sanxin.models import ExemplaryWoman, SanxinWorker

APPS = Path(__file__).resolve().parents[2]
SAMPLES = {
    forms.DateTimeField: (dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC), "2026-12-07T09:30"),
    forms.DateField: (dt.date(2026, 12, 7), "2026-12-07"),
    forms.TimeField: (dt.time(9, 30), "09:30"),
}
ISO = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
    "time": r"\d{2}:\d{2}",
}
INPUT = re.compile(r'<input[^>]*\btype="(date|datetime-local|time)"[^>]*>')
VALUE = re.compile(r'\bvalue="([^"]*)"')


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for path in sorted(APPS.glob("*/forms.py")):
        module = import_module(f"jinguo.{path.parent.name}.forms")
        found += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        ]
    return found


def _temporal_fields() -> list[tuple[str, forms.Field]]:
    return [
        (f"{cls.__module__}.{cls.__name__}.{name}", field)
        for cls in _form_classes()
        # The stubs put base_fields on Form and ModelForm, which the metaclasses fill, not BaseForm.
        for name, field in cls.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField)
    ]


def _sample(field: forms.Field) -> tuple[object, str]:
    return next(sample for kind, sample in SAMPLES.items() if isinstance(field, kind))


def test_the_forms_have_date_fields_to_check():
    assert len(_temporal_fields()) > 40


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_field_of_every_form_renders_its_value_as_the_browser_takes_it(language):
    wrong = {}
    with translation.override(language):
        for name, field in _temporal_fields():
            value, iso = _sample(field)
            html = field.widget.render("day", value)
            shown = VALUE.search(html)
            if shown is None or shown.group(1) != iso or not INPUT.search(html):
                wrong[name] = html
    assert wrong == {}


def test_every_date_field_of_every_form_is_the_projects_bounded_one():
    projects = (dates.DateField, dates.DateTimeField, dates.TimeField)
    assert [name for name, field in _temporal_fields() if not isinstance(field, projects)] == []


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-12-07", dt.date(2026, 12, 7)),
        ("2026/12/07", dt.date(2026, 12, 7)),
        ("2026/12/7", dt.date(2026, 12, 7)),
        ("2026.12.07", dt.date(2026, 12, 7)),
        ("2026年12月7日", dt.date(2026, 12, 7)),
        ("20261207", dt.date(2026, 12, 7)),
    ],
)
def test_a_date_is_read_as_iso_or_as_a_cadre_types_it(typed, day):
    assert dates.DateField().clean(typed) == day


def test_a_date_and_time_is_read_from_the_browser_and_as_typed():
    field = dates.DateTimeField()
    for typed in ("2026-12-07T09:30", "2026-12-07 09:30", "2026/12/07 09:30"):
        assert f"{field.clean(typed):%Y-%m-%d %H:%M}" == "2026-12-07 09:30"


def test_a_date_and_time_out_of_bounds_is_refused():
    with pytest.raises(forms.ValidationError):
        dates.DateTimeField().clean("0001-01-01T09:30")


def _wrong_inputs(html: str) -> list[str]:
    wrong = []
    for match in INPUT.finditer(html):
        value = VALUE.search(match.group(0))
        if value and value.group(1) and not re.fullmatch(ISO[match.group(1)], value.group(1)):
            wrong.append(match.group(0))
    return wrong


def _pages_without_a_record() -> list[str]:
    from django.urls import get_resolver

    return sorted(
        {
            "/" + route
            for route, _pattern in _walk(get_resolver().url_patterns)
            if "<" not in route
            and not route.startswith((*SKIPPED_PREFIXES, "api/", "captcha/", "i18n/"))
            and not route.endswith((".xlsx", ".docx", ".pdf", ".csv"))
            and "logout" not in route
        }
    )


@pytest.mark.django_db
def test_every_date_input_of_every_page_holds_an_empty_or_iso_value(urls):  # noqa: F811
    client = _client("ningguo")
    pages = [url for route, url in urls if route.route not in FILE_ROUTES]
    pages += _pages_without_a_record()
    wrong, seen = {}, 0
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        seen += len(INPUT.findall(html))
        if found := _wrong_inputs(html):
            wrong[url] = found
    assert seen > 50  # the pages drew date inputs, so the check checked something
    assert wrong == {}


def _inline_date_pages() -> dict[str, tuple[str, str]]:
    """The pages whose rows (or a small form) once drew a hand-written date input: the page, the
    field name and its label, for a record of the demo that draws it."""
    worker = SanxinWorker.objects.filter(left_on__isnull=True).first()
    exemplary = ExemplaryWoman.objects.filter(delisted_on__isnull=True).first()
    household = HouseholdAssignment.objects.filter(end_date__isnull=True).first()
    grid = GridAssignment.objects.filter(end_date__isnull=True).first()
    team = VolunteerTeam.objects.first()
    assert worker and exemplary and household and grid and team, "the demo has every record"
    return {
        f"/sanxin/{worker.sanxin_org_id}/": ("left_on", "离开日期"),
        f"/sanxin/exemplary/?org={exemplary.org_id}": ("delisted_on", "出册日期"),
        f"/households/{household.household_id}/": ("end_date", "结束日期"),
        f"/households/grids/{grid.grid_id}/executives/": ("end_date", "结束日期"),
        f"/activities/teams/{team.pk}/": ("joined_on", "加入日期"),
    }


@pytest.mark.django_db
def test_the_rows_date_inputs_are_the_projects_widget_labelled_and_iso(demo):  # noqa: F811
    client = _client("ningguo")
    today = timezone.localdate().isoformat()
    for url, (name, label) in _inline_date_pages().items():
        html = client.get(url).content.decode()
        drawn = [m.group(0) for m in INPUT.finditer(html) if f'name="{name}"' in m.group(0)]
        assert drawn, url
        for tag in drawn:
            value = VALUE.search(tag)
            assert value is None or value.group(1) in ("", today), (url, tag)
            labelled = f'aria-label="{label}"' in tag or (
                (ident := re.search(r'\bid="([^"]+)"', tag))
                and f'for="{ident.group(1)}">{label}<' in html
            )
            assert labelled, (url, tag)
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (url, "an id repeats")


@pytest.mark.django_db
def test_a_rows_bad_date_is_a_chinese_form_error(demo):  # noqa: F811
    client = _client("ningguo")
    worker = SanxinWorker.objects.filter(left_on__isnull=True).first()
    assert worker is not None
    response = client.post(f"/sanxin/workers/{worker.pk}/leave/", {"left_on": "0001-01-01"})
    worker.refresh_from_db()
    assert worker.left_on is None
    shown = client.get(response["Location"]).content.decode()
    assert "日期应在" in shown
    team = VolunteerTeam.objects.first()
    assert team is not None
    response = client.post(f"/activities/teams/{team.pk}/members/", {"joined_on": "不是日期"})
    assert "有效的日期" in response.content.decode()
