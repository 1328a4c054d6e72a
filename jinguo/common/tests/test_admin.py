"""The Django admin holds no federation record (三员分立): the system administrator finds there
the accounts, the organisation tree read-only (to pick an account's unit) and the public-holiday
calendar, and nothing else."""

import pytest
from django.contrib import admin as django_admin

from jinguo.common.admin import site

ALLOWED = {"accounts.user", "orgs.orgunit", "cases.holiday"}

# What the admin offered before: loans, honours, the points ledger, meetings and minutes,
# trainings, allowances, 三新, activities, categories, time limits, venues, intake points.
FORMER_BUSINESS_URLS = [
    "/admin/employment/loan/",
    "/admin/employment/loan/1/change/",
    "/admin/employment/jobfair/",
    "/admin/honours/familyhonour/",
    "/admin/honours/individualhonour/",
    "/admin/points/pointentry/",
    "/admin/points/pointrule/",
    "/admin/points/lovebankitem/",
    "/admin/meetings/meeting/",
    "/admin/meetings/resolution/",
    "/admin/trainings/course/",
    "/admin/trainings/session/",
    "/admin/assessments/allowancestatement/",
    "/admin/assessments/allowancepolicy/",
    "/admin/assessments/assessmentround/",
    "/admin/assessments/assessmentscheme/",
    "/admin/sanxin/sanxinorg/",
    "/admin/sanxin/sanxinworker/",
    "/admin/sanxin/exemplarywoman/",
    "/admin/sanxin/sanxintarget/",
    "/admin/activities/activityseries/",
    "/admin/activities/volunteerteam/",
    "/admin/households/category/",
    "/admin/cases/timelimitrule/",
    "/admin/orgs/venue/",
    "/admin/intake/intakepoint/",
    "/admin/people/person/",
    "/admin/employment/",
]


def test_the_admin_registers_exactly_accounts_the_org_tree_and_the_holiday_calendar():
    registered = {model._meta.label_lower for model in site._registry}
    assert registered == ALLOWED


def test_no_project_model_is_registered_on_djangos_default_admin_site():
    project = {
        m._meta.label_lower
        for m in django_admin.site._registry
        if m.__module__.startswith("jinguo.")
    }
    assert project == set()


@pytest.mark.parametrize("url", FORMER_BUSINESS_URLS)
def test_the_system_admin_finds_no_business_records_in_the_admin(cast, login, url):
    client = login(cast.system_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"amount": "1"}).status_code == 404


def test_the_admin_index_lists_no_business_app(cast, login):
    html = login(cast.system_admin).get("/admin/").content.decode()
    for app in ("employment", "honours", "points", "meetings", "trainings", "assessments"):
        assert f'href="/admin/{app}/"' not in html
