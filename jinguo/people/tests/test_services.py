import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.common import crypto
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person, PersonChange
from jinguo.people.posts import (
    concurrent_post_add,
    concurrent_post_end,
    rotation_create,
    seat_create,
    seat_end,
    team_create,
    team_member_add,
    team_member_end,
)
from jinguo.people.services import person_create, person_unmask, person_update
from jinguo.people.tests.factories import (
    TERM_START,
    make_executive,
    make_id,
    make_id_ending_in_x,
    make_person,
)

P = ExecutiveSeat.Post
D = dt.date


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def raw_columns(person: Person) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


# --- persons ------------------------------------------------------------------------------------


def test_create_derives_birth_date_gender_hash_tails_and_initials(tree, cast):
    number = make_id("19850312", female=True)
    person = person_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        name=" 王 小红 ",
        id_number=number.lower(),
        phone="１３９-1234-5678",
        education="college",
        party_member=True,
    )
    person.refresh_from_db()
    assert person.name == "王小红" and person.name_initials == "wxh"
    assert person.birth_date == D(1985, 3, 12) and person.gender == "F"
    assert person.id_number == number and person.id_tail == number[-4:]
    assert person.id_hash == crypto.blind_index(number)
    assert person.phone == "13912345678" and person.phone_tail == "5678"


def test_a_given_gender_is_kept(tree):
    person = make_person(tree.songhe, "李明", gender="M", id_number=make_id(female=False))
    assert person.gender == "M"


def test_numbers_are_encrypted_at_rest(tree):
    number = make_id_ending_in_x()
    person = make_person(tree.songhe, "王小红", id_number=number, phone="13912345678")
    raw_id, raw_phone = raw_columns(person)
    assert raw_id.startswith("v1:") and raw_phone.startswith("v1:")
    assert number not in raw_id
    assert "13912345678" not in raw_phone


def test_create_writes_a_history_row_with_masked_numbers_and_an_audit_row(tree, cast):
    number = make_id()
    person = make_person(tree.songhe, "王小红", id_number=number, phone="13912345678")
    change = PersonChange.objects.get(person=person)
    assert change.action == "person.create" and change.old == {}
    assert change.new["id_number"] == number[:6] + "********" + number[-4:]
    assert change.new["phone"] == "139****5678"
    event = AuditEvent.objects.get(action="person.create", target_id=str(person.pk))
    assert number not in str(event.changes) and "13912345678" not in str(event.changes)


def test_a_bad_id_number_is_a_field_error_with_the_parsers_message(tree):
    number = make_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        make_person(tree.songhe, "王小红", id_number=wrong)
    assert f"最后一位应为{number[17]}" in errors_of(excinfo)["id_number"][0]
    assert not Person.objects.exists()


def test_a_legacy_15_digit_number_is_refused(tree):
    with pytest.raises(ValidationError) as excinfo:
        make_person(tree.songhe, "王小红", id_number="341881850312002")
    assert "15位旧身份证" in errors_of(excinfo)["id_number"][0]


def test_every_bad_field_is_reported_at_once(tree):
    with pytest.raises(ValidationError) as excinfo:
        make_person(tree.songhe, "  ", id_number="123", phone="12345", education="phd")
    assert set(errors_of(excinfo)) == {"name", "id_number", "phone", "education"}
    assert "11位手机号" in errors_of(excinfo)["phone"][0]


def test_a_duplicate_id_number_is_refused_without_naming_the_other_person(tree):
    number = make_id()
    make_person(tree.gangkou, "港红梅", id_number=number)
    with pytest.raises(ValidationError) as excinfo:
        make_person(tree.songhe, "王小红", id_number=f" {number} ")
    message = errors_of(excinfo)["id_number"][0]
    assert message == "该身份证号已登记" and "港红梅" not in message


def test_people_without_numbers_do_not_clash(tree):
    make_person(tree.songhe, "王小红")
    make_person(tree.songhe, "王小红")
    assert Person.objects.filter(id_hash="").count() == 2


def test_update_changes_only_what_is_given_and_records_old_and_new(tree, cast):
    person = make_person(tree.songhe, "王小红", id_number=make_id(), phone="13912345678")
    new_number = make_id("19900101")
    person_update(actor=cast.songhe_chair, person=person, id_number=new_number, note="更正")
    person.refresh_from_db()
    assert person.id_number == new_number and person.phone == "13912345678"
    assert person.birth_date == D(1990, 1, 1) and person.id_tail == new_number[-4:]
    change = PersonChange.objects.filter(person=person).first()
    assert change is not None and change.action == "person.update" and change.note == "更正"
    assert change.actor == cast.songhe_chair
    assert change.new["id_number"].endswith(new_number[-4:])
    assert AuditEvent.objects.filter(action="person.update", note="更正").exists()


def test_update_that_changes_nothing_writes_nothing(tree, cast):
    person = make_person(tree.songhe, "王小红", id_number=make_id())
    before = PersonChange.objects.count(), AuditEvent.objects.count()
    person_update(actor=cast.songhe_chair, person=person, name="王小红")
    assert (PersonChange.objects.count(), AuditEvent.objects.count()) == before


def test_update_to_a_number_already_registered_is_refused(tree, cast):
    taken = make_id()
    make_person(tree.songhe, "甲", id_number=taken)
    person = make_person(tree.songhe, "乙", id_number=make_id())
    with pytest.raises(ValidationError) as excinfo:
        person_update(actor=cast.songhe_chair, person=person, id_number=taken)
    assert errors_of(excinfo)["id_number"] == ["该身份证号已登记"]


def test_update_keeps_its_own_number(tree, cast):
    number = make_id()
    person = make_person(tree.songhe, "王小红", id_number=number)
    person_update(actor=cast.songhe_chair, person=person, id_number=number, name="王晓红")
    assert Person.objects.get(pk=person.pk).name == "王晓红"


# --- unmasking ----------------------------------------------------------------------------------


def test_unmask_returns_the_numbers_and_audits_the_reason(tree, cast):
    number = make_id()
    person = make_person(tree.songhe, "王小红", id_number=number, phone="13912345678")
    numbers = person_unmask(
        actor=cast.songhe_chair, person=person, purpose="visit", reason="低保年审入户核对"
    )
    assert numbers == {
        "id_number": number,
        "phone": "13912345678",
        "birth_date": person.birth_date,
    }
    event = AuditEvent.objects.get(action="person.unmask")
    assert event.actor == cast.songhe_chair and event.note == "入户走访核实身份：低保年审入户核对"
    assert event.changes == {"fields": ["id_number", "phone"], "purpose": "visit"}
    assert event.target_id == str(person.pk)


@pytest.mark.parametrize("reason", ["", " ", "看", "核实"])
def test_unmask_needs_an_explanation_of_five_characters(tree, cast, reason):
    person = make_person(tree.songhe, "王小红", id_number=make_id())
    with pytest.raises(ValidationError) as excinfo:
        person_unmask(actor=cast.songhe_chair, person=person, purpose="visit", reason=reason)
    assert "至少5个字" in errors_of(excinfo)["reason"][0]
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


@pytest.mark.parametrize("username", ["county_leader", "system_admin", "audit_admin"])
def test_leaders_and_administrators_may_not_unmask(tree, cast, username):
    person = make_person(tree.songhe, "王小红", id_number=make_id())
    with pytest.raises(PermissionDenied):
        person_unmask(
            actor=getattr(cast, username), person=person, purpose="visit", reason="入户核对身份"
        )
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


def test_grid_member_may_unmask(tree, cast):
    person = make_person(tree.wushan, "王小红", phone="13912345678")
    numbers = person_unmask(
        actor=cast.wushan_member, person=person, purpose="contact", reason="电话通知参加培训"
    )
    assert numbers["phone"]


# --- seats and concurrent posts -----------------------------------------------------------------


def test_seat_create_and_end_keep_the_seat_as_history(tree, cast):
    person = make_person(tree.songhe, "陈芳")
    seat = seat_create(
        actor=cast.songhe_chair,
        person=person,
        org=tree.songhe,
        post=P.CHAIR,
        full_time=True,
        term_start=TERM_START,
    )
    seat_end(actor=cast.songhe_chair, seat=seat, ended_on=D(2024, 1, 5), reason="换届")
    seat.refresh_from_db()
    assert seat.ended_on == D(2024, 1, 5) and seat.ended_reason == "换届"
    actions = list(PersonChange.objects.filter(person=person).values_list("action", flat=True))
    assert actions == ["seat.end", "seat.create", "person.create"]
    assert AuditEvent.objects.filter(action="seat.end", note="换届").exists()
    assert AuditEvent.objects.filter(action="seat.create", target_id=str(seat.pk)).exists()


def test_a_second_open_seat_in_the_same_committee_is_refused(tree):
    person = make_executive(tree.songhe, "陈芳")
    with pytest.raises(ValidationError) as excinfo:
        seat_create(
            actor=None,
            person=person,
            org=tree.songhe,
            post=P.VICE_CHAIR,
            full_time=False,
            term_start=TERM_START,
        )
    assert "已在嵩合社区任职" in errors_of(excinfo)["person"][0]


def test_a_committee_has_one_chair_at_a_time(tree):
    make_executive(tree.songhe, "陈芳", post=P.CHAIR)
    with pytest.raises(ValidationError) as excinfo:
        make_executive(tree.songhe, "李娟", post=P.CHAIR)
    assert "已有在任主席" in errors_of(excinfo)["post"][0]


def test_a_term_cannot_end_before_it_starts(tree):
    person = make_person(tree.songhe, "陈芳")
    with pytest.raises(ValidationError) as excinfo:
        seat_create(
            actor=None,
            person=person,
            org=tree.songhe,
            post=P.MEMBER,
            full_time=False,
            term_start=D(2021, 1, 1),
            term_end=D(2020, 1, 1),
        )
    assert "term_end" in errors_of(excinfo)


def test_ending_a_seat_needs_a_reason_and_a_date_not_in_the_future(tree):
    seat = make_executive(tree.songhe, "陈芳").seats.get()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        seat_end(actor=None, seat=seat, ended_on=tomorrow, reason="")
    assert set(errors_of(excinfo)) == {"ended_on", "reason"}


def test_an_ended_seat_cannot_end_again(tree):
    seat = make_executive(tree.songhe, "陈芳").seats.get()
    seat_end(actor=None, seat=seat, ended_on=D(2024, 1, 5), reason="换届")
    with pytest.raises(ValidationError, match="已于2024-01-05离任"):
        seat_end(actor=None, seat=seat, ended_on=D(2024, 1, 6), reason="换届")


def test_concurrent_posts_are_added_once_and_ended_with_history(tree, cast):
    person = make_person(tree.songhe, "汪秀兰")
    kind = ConcurrentPost.Kind.GRID_HEAD
    post = concurrent_post_add(
        actor=cast.songhe_chair, person=person, kind=kind, org=tree.wushan, start_date=TERM_START
    )
    with pytest.raises(ValidationError, match="已在巫山组网格担任网格长"):
        concurrent_post_add(
            actor=None, person=person, kind=kind, org=tree.wushan, start_date=TERM_START
        )
    concurrent_post_end(actor=cast.songhe_chair, post=post, end_date=D(2024, 3, 1))
    post.refresh_from_db()
    assert post.end_date == D(2024, 3, 1)
    actions = set(PersonChange.objects.filter(person=person).values_list("action", flat=True))
    assert {"concurrent_post.add", "concurrent_post.end"} <= actions
    assert AuditEvent.objects.filter(action="concurrent_post.end").count() == 1


# --- teams and rotation -------------------------------------------------------------------------


@pytest.fixture
def team(tree, cast):
    team = team_create(actor=cast.songhe_chair, org=tree.songhe, name="巾帼服务队", project="护河")
    for name in ("陈芳", "李娟"):
        team_member_add(
            actor=cast.songhe_chair,
            team=team,
            person=make_executive(tree.songhe, name),
            start_date=TERM_START,
        )
    return team


def test_team_create_is_audited_and_names_are_unique_per_org(tree, cast, team):
    assert AuditEvent.objects.filter(action="team.create", target_id=str(team.pk)).exists()
    with pytest.raises(ValidationError, match="已有同名团队"):
        team_create(actor=None, org=tree.songhe, name="巾帼服务队")


def test_only_serving_executives_join_a_team_and_only_once(tree, team):
    with pytest.raises(ValidationError, match="只有在任执委"):
        team_member_add(
            actor=None, team=team, person=make_person(tree.songhe, "群众"), start_date=TERM_START
        )
    member = team.memberships.first().person
    with pytest.raises(ValidationError, match="已是该团队成员"):
        team_member_add(actor=None, team=team, person=member, start_date=TERM_START)


def test_rotations_of_a_team_may_not_overlap(tree, cast, team):
    first, second = (m.person for m in team.memberships.order_by("id"))
    rotation_create(
        actor=cast.songhe_chair,
        team=team,
        person=first,
        start_date=D(2026, 1, 1),
        end_date=D(2026, 1, 7),
    )
    with pytest.raises(ValidationError) as excinfo:
        rotation_create(
            actor=None, team=team, person=second, start_date=D(2026, 1, 7), end_date=D(2026, 1, 14)
        )
    assert "重叠" in errors_of(excinfo)["start_date"][0] and first.name in str(excinfo.value)
    rotation_create(
        actor=None, team=team, person=second, start_date=D(2026, 1, 8), end_date=D(2026, 1, 14)
    )
    assert team.rotations.count() == 2
    assert AuditEvent.objects.filter(action="rotation.create").count() == 2


def test_rotation_dates_must_be_ordered_and_the_person_a_member(tree, team):
    member = team.memberships.first().person
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        rotation_create(
            actor=None, team=team, person=member, start_date=D(2026, 2, 7), end_date=D(2026, 2, 1)
        )
    outsider = make_executive(tree.songhe, "张敏")
    with pytest.raises(ValidationError, match="不是该团队的在任成员"):
        rotation_create(
            actor=None,
            team=team,
            person=outsider,
            start_date=D(2026, 2, 1),
            end_date=D(2026, 2, 7),
        )


def test_a_member_who_left_keeps_the_membership_row(tree, cast, team):
    membership = team.memberships.first()
    team_member_end(actor=cast.songhe_chair, membership=membership, end_date=D(2025, 1, 1))
    membership.refresh_from_db()
    assert membership.end_date == D(2025, 1, 1)
    assert AuditEvent.objects.filter(action="team.member_end").exists()
    assert PersonChange.objects.filter(person=membership.person, action="team.member_end").exists()


def test_a_child_cannot_take_a_seat(tree):
    child = Person.objects.create(
        org=tree.songhe, name="儿童", gender="F", birth_date=dt.date(2015, 3, 1)
    )
    with pytest.raises(ValidationError) as refused:
        seat_create(
            actor=None,
            person=child,
            org=tree.songhe,
            post="member",
            full_time=False,
            term_start=dt.date(2026, 1, 1),
        )
    assert refused.value.message_dict["person"] == ["未满18周岁的人不能担任执委"]
