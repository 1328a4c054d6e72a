"""The public-holiday calendar is the one writable system setting of the admin besides accounts;
every write to it leaves an audit row with the values before and after."""

import datetime as dt

import pytest

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Holiday

URL = "/admin/cases/holiday/"


@pytest.fixture
def day_off(db) -> Holiday:
    return Holiday.objects.create(date=dt.date(2027, 1, 1), name="元旦")


def test_adding_a_holiday_in_the_admin_is_audited(cast, login):
    client = login(cast.system_admin)
    response = client.post(f"{URL}add/", {"date": "2027-02-06", "name": "春节", "is_workday": ""})
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=dt.date(2027, 2, 6))
    event = AuditEvent.objects.get(action="holiday.create")
    assert (event.actor, event.target_id) == (cast.system_admin, str(holiday.pk))
    assert event.changes["name"] == [None, "春节"]


def test_changing_a_holiday_in_the_admin_is_audited_with_before_and_after(cast, login, day_off):
    client = login(cast.system_admin)
    data = {"date": "2027-01-02", "name": "元旦", "is_workday": ""}
    assert client.post(f"{URL}{day_off.pk}/change/", data).status_code == 302
    event = AuditEvent.objects.get(action="holiday.update")
    assert event.changes == {"date": ["2027-01-01", "2027-01-02"]}


def test_deleting_a_holiday_in_the_admin_is_audited(cast, login, day_off):
    client = login(cast.system_admin)
    response = client.post(f"{URL}{day_off.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Holiday.objects.filter(pk=day_off.pk).exists()
    event = AuditEvent.objects.get(action="holiday.delete")
    assert event.changes["name"] == ["元旦", None]


def test_deleting_holidays_in_bulk_audits_each(cast, login, day_off):
    other = Holiday.objects.create(date=dt.date(2027, 1, 2), name="元旦")
    client = login(cast.system_admin)
    data = {"action": "delete_selected", "_selected_action": [day_off.pk, other.pk], "post": "yes"}
    assert client.post(URL, data).status_code == 302
    assert not Holiday.objects.filter(pk__in=[day_off.pk, other.pk]).exists()
    assert AuditEvent.objects.filter(action="holiday.delete").count() == 2


def test_a_business_user_cannot_open_the_holiday_calendar_in_the_admin(cast, login, day_off):
    response = login(cast.songhe_chair).get(URL)
    assert response.status_code != 200
    assert (
        login(cast.songhe_chair).post(f"{URL}{day_off.pk}/delete/", {"post": "yes"}).status_code
        != 200
    )
    assert Holiday.objects.filter(pk=day_off.pk).exists()
