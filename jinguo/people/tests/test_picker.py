"""The people picker component (people_tags.people_picker): the chosen persons come back as
chips, one hidden input each, after a form error; an id from outside her scope comes back as
nothing, neither a chip nor a name."""

import re

from jinguo.honours.models import IndividualHonour
from jinguo.meetings.models import Meeting
from jinguo.meetings.tests.factories import plan
from jinguo.people.models import Person


def _chips(html: str, field: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{field}" value="(\d+)">', html)


def test_a_meeting_form_with_an_error_keeps_every_chosen_executive_as_a_chip(
    login, cast, tree, people
):
    other = Person.objects.create(org=tree.wushan, name="王春花", gender="F")
    answer = login(cast.songhe_chair).post(
        "/meetings/new/",
        {
            "kind": "executive_committee",
            "title": "",  # the error
            "planned_at": "2026-12-20T19:00",
            "executives": [people.wushan_exec.pk, other.pk],
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and not Meeting.objects.exists()
    assert _chips(html, "executives") == [str(people.wushan_exec.pk), str(other.pk)]
    assert "王春花" in html


def test_an_id_from_another_village_is_refused_and_shown_neither_as_chip_nor_name(
    login, cast, people
):
    answer = login(cast.songhe_chair).post(
        "/meetings/new/",
        {
            "kind": "executive_committee",
            "title": "越界",
            "planned_at": "2026-12-20T19:00",
            "executives": [people.wushan_exec.pk, people.gangkou_exec.pk],
        },
    )
    html = answer.content.decode()
    assert "所选人员不存在" in html and not Meeting.objects.exists()
    assert _chips(html, "executives") == [str(people.wushan_exec.pk)]
    assert "港红梅" not in html


def test_the_edit_form_shows_the_invited_as_chips(login, cast, tree, people):
    meeting = plan(tree.songhe, people=[people.wushan_exec], residents=[people.chengjiawan_exec])
    html = login(cast.songhe_chair).get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert _chips(html, "executives") == [str(people.wushan_exec.pk)]
    assert _chips(html, "residents") == [str(people.chengjiawan_exec.pk)]


def test_a_single_person_picker_keeps_its_choice_after_an_error(login, cast, people):
    answer = login(cast.songhe_chair).post(
        "/honours/individuals/new/",
        {"person": people.wushan_exec.pk, "title": "", "level": "village", "year": 2026},
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and not IndividualHonour.objects.exists()
    assert _chips(html, "person") == [str(people.wushan_exec.pk)]
    assert "data-single" in html
