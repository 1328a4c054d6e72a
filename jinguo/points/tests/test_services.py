import datetime as dt
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from conftest import build_tree, build_users
from jinguo.audit.models import AuditEvent
from jinguo.people.models import Person
from jinguo.points import approval, lovebank, nominations, selectors, services
from jinguo.points.models import (
    Action,
    AppendOnlyError,
    CapPeriod,
    Kind,
    LoveBankItem,
    LoveBankItemChange,
    PointEntry,
    Redemption,
    RuleChange,
)
from jinguo.points.tests.conftest import D, earns, give, item, visit

MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def collect(tree, actor=None):
    return services.points_collect(org=tree.city, start=MARCH[0], end=MARCH[1], actor=actor)


# --- the ledger ---------------------------------------------------------------------------------


def test_the_ledger_refuses_updates_and_deletes(pts, tree, people):
    collect(tree)
    entry = earns(people.wushan_exec)[0]
    entry.amount = 99
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        PointEntry.objects.filter(pk=entry.pk).update(amount=5)
    with pytest.raises(AppendOnlyError):
        PointEntry.objects.all().delete()


# --- earning ------------------------------------------------------------------------------------


def test_collecting_twice_adds_nothing_the_second_time(pts, tree, people):
    first = collect(tree)
    again = collect(tree)
    assert first.created == 4 and again.created == 0
    assert [e.amount for e in earns(people.wushan_exec)] == [1, 1, 1]
    assert {e.source_id for e in earns(people.wushan_exec)} == {
        f"visit:{v.pk}" for v in pts.ws_visits
    }


def test_the_database_refuses_a_second_earn_for_the_same_record(pts, tree, people):
    collect(tree)
    entry = earns(people.wushan_exec)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(
            person=entry.person,
            org=entry.org,
            kind=Kind.EARN,
            action=entry.action,
            source_id=entry.source_id,
            amount=1,
            day=entry.day,
        )


def test_collected_points_are_pending_and_do_not_count_until_approved(pts, tree, people):
    collect(tree)
    assert selectors.points_balance(person=people.wushan_exec) == 0
    approval.points_approve(actor=pts_actor(tree), entries=earns(people.wushan_exec))
    assert selectors.points_balance(person=people.wushan_exec) == 3


def pts_actor(tree):
    from jinguo.accounts.models import User

    return User.objects.get(username="songhe_chair")


def test_a_cap_records_the_facts_beyond_it_with_zero_points(pts, tree, cast, people):
    services.point_rule_save(
        actor=cast.city_cadre,
        org=tree.city,
        action=Action.VISIT,
        points=2,
        cap=3,
        cap_period=CapPeriod.MONTH,
        valid_from=dt.date(2000, 1, 1),
    )
    collect(tree)
    rows = earns(people.wushan_exec)
    assert [(e.amount, e.capped) for e in rows] == [(2, False), (1, True), (0, True)]
    # The zero rows are not in the approval queue.
    queue = selectors.approval_queue(user=cast.songhe_chair)
    assert rows[2] not in queue and rows[1] in queue


def test_the_cap_is_per_month_so_april_starts_again(pts, tree, cast, people):
    services.point_rule_save(
        actor=cast.city_cadre, org=tree.city, action=Action.VISIT, points=1, cap=1,
        valid_from=dt.date(2000, 1, 1),
    )  # fmt: skip
    visit(pts.ws, dt.date(2025, 4, 2), cast.wushan_member, people.wushan_exec)
    services.points_collect(org=tree.city, start=MARCH[0], end=dt.date(2025, 4, 30))
    assert [e.amount for e in earns(people.wushan_exec)] == [1, 0, 0, 1]


def test_the_nearest_ancestors_rule_wins(pts, tree, cast, people):
    services.point_rule_save(
        actor=cast.songhe_chair, org=tree.songhe, action=Action.VISIT, points=5,
        valid_from=dt.date(2000, 1, 1),
    )  # fmt: skip
    collect(tree)
    assert {e.amount for e in earns(people.wushan_exec)} == {5}  # songhe's rule
    assert {e.amount for e in earns(people.gangkou_exec)} == {1}  # the city's rule
    rule = services.rule_for(org=tree.wushan, action=Action.VISIT, day=D)
    assert rule is not None and rule.org == tree.songhe


def test_a_rule_not_yet_valid_falls_back_to_the_ancestors(pts, tree, cast):
    services.point_rule_save(
        actor=cast.songhe_chair, org=tree.songhe, action=Action.VISIT, points=5,
        valid_from=dt.date(2025, 3, 11),
    )  # fmt: skip
    before = services.rule_for(org=tree.wushan, action=Action.VISIT, day=D)
    after = services.rule_for(org=tree.wushan, action=Action.VISIT, day=D.replace(day=11))
    assert before is not None and before.org == tree.city
    assert after is not None and after.points == 5


def test_an_inactive_rule_earns_nothing(pts, tree, cast, people):
    services.point_rule_save(
        actor=cast.city_cadre, org=tree.city, action=Action.VISIT, points=1, is_active=False,
        valid_from=dt.date(2000, 1, 1),
    )  # fmt: skip
    assert collect(tree).created == 0


def test_a_rule_change_writes_a_change_row_and_an_audit_row(tree, cast):
    rule = services.point_rule_save(
        actor=cast.songhe_chair, org=tree.songhe, action="visit", points=1
    )
    services.point_rule_save(actor=cast.songhe_chair, org=tree.songhe, action="visit", points=2)
    changes = list(RuleChange.objects.filter(rule=rule).order_by("id"))
    assert [c.action for c in changes] == ["create", "update"]
    assert changes[1].old["points"] == 1 and changes[1].new["points"] == 2
    assert AuditEvent.objects.filter(action="points.rule_update").count() == 1


def test_only_a_cadre_above_the_unit_sets_its_rules(tree, cast):
    with pytest.raises(PermissionDenied):
        services.point_rule_save(
            actor=cast.gangkou_chair, org=tree.songhe, action="visit", points=1
        )
    with pytest.raises(PermissionDenied):
        services.point_rule_save(
            actor=cast.county_leader, org=tree.songhe, action="visit", points=1
        )


# --- approval and appeals -----------------------------------------------------------------------


def test_the_village_cadre_approves_and_nobody_approves_twice(pts, tree, cast, people):
    collect(tree)
    entry = earns(people.wushan_exec)[0]
    assert entry.approver_org == tree.songhe
    with pytest.raises(PermissionDenied):
        approval.points_approve(actor=cast.gangkou_chair, entries=[entry])
    with pytest.raises(PermissionDenied):
        approval.points_approve(actor=cast.wushan_member, entries=[entry])
    approval.points_approve(actor=cast.songhe_chair, entries=[entry])
    with pytest.raises(ValidationError):
        approval.points_approve(actor=cast.township_cadre, entries=[entry])
    with pytest.raises(ValidationError):
        approval.points_reject(actor=cast.songhe_chair, entry=entry, reason="重复")


def test_a_rejection_needs_a_reason_and_counts_nothing(pts, tree, cast, people):
    collect(tree)
    entry = earns(people.wushan_exec)[0]
    with pytest.raises(ValidationError):
        approval.points_reject(actor=cast.songhe_chair, entry=entry, reason=" ")
    approval.points_reject(actor=cast.songhe_chair, entry=entry, reason="走访记录不实")
    assert selectors.points_balance(person=people.wushan_exec) == 0
    assert entry not in selectors.approval_queue(user=cast.songhe_chair)


def _rejected(tree, cast, people):
    collect(tree)
    entry = earns(people.wushan_exec)[0]
    return approval.points_reject(actor=cast.songhe_chair, entry=entry, reason="不实")


def test_an_accepted_appeal_against_a_rejection_gives_the_points_back(pts, tree, cast, people):
    reject = _rejected(tree, cast, people)
    with pytest.raises(PermissionDenied):  # only the executive herself appeals
        approval.points_appeal(actor=cast.songhe_chair, entry=reject, reason="有照片")
    appeal = approval.points_appeal(actor=cast.wushan_member, entry=reject, reason="有照片")
    with pytest.raises(ValidationError):
        approval.points_appeal(actor=cast.wushan_member, entry=reject, reason="再次")
    with pytest.raises(PermissionDenied):  # not the cadre who rejected: the level above
        approval.points_appeal_decide(actor=cast.songhe_chair, appeal=appeal, accept=True)
    approval.points_appeal_decide(actor=cast.township_cadre, appeal=appeal, accept=True)
    assert selectors.points_balance(person=people.wushan_exec) == 1
    with pytest.raises(ValidationError):
        approval.points_appeal_decide(actor=cast.county_cadre, appeal=appeal, accept=True)


def test_a_rejected_appeal_is_recorded_and_changes_nothing(pts, tree, cast, people):
    reject = _rejected(tree, cast, people)
    appeal = approval.points_appeal(actor=cast.wushan_member, entry=reject, reason="有照片")
    with pytest.raises(ValidationError):  # a reason is required to turn it down
        approval.points_appeal_decide(actor=cast.township_cadre, appeal=appeal, accept=False)
    ruling = approval.points_appeal_decide(
        actor=cast.township_cadre, appeal=appeal, accept=False, reason="照片非本户"
    )
    assert ruling.kind == Kind.APPEAL_REJECT and ruling.amount == 0
    assert selectors.points_balance(person=people.wushan_exec) == 0


def test_a_deduction_can_be_appealed_and_reversed(pts, tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 10)
    with pytest.raises(PermissionDenied):
        approval.points_correct(
            actor=cast.wushan_member, person=people.wushan_exec, amount=-1, reason="x"
        )
    with pytest.raises(ValidationError):
        approval.points_correct(
            actor=cast.songhe_chair, person=people.wushan_exec, amount=-4, reason=""
        )
    with pytest.raises(ValidationError):  # never below zero
        approval.points_correct(
            actor=cast.songhe_chair, person=people.wushan_exec, amount=-11, reason="x"
        )
    deduction = approval.points_correct(
        actor=cast.songhe_chair, person=people.wushan_exec, amount=-4, reason="重复记录"
    )
    assert selectors.points_balance(person=people.wushan_exec) == 6
    appeal = approval.points_appeal(actor=cast.wushan_member, entry=deduction, reason="并非重复")
    approval.points_appeal_decide(actor=cast.township_cadre, appeal=appeal, accept=True)
    assert selectors.points_balance(person=people.wushan_exec) == 10


def test_an_approval_cannot_be_appealed(pts, tree, cast, people):
    bonus = give(cast.songhe_chair, people.wushan_exec, 3)
    with pytest.raises(ValidationError):
        approval.points_appeal(actor=cast.wushan_member, entry=bonus, reason="x")


# --- balance and expiry -------------------------------------------------------------------------


def test_the_balance_is_approved_plus_corrections_minus_redeemed(pts, tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 30)
    approval.points_correct(
        actor=cast.songhe_chair, person=people.wushan_exec, amount=5, reason="补录"
    )
    lovebank.lovebank_redeem(
        actor=cast.wushan_member, person=people.wushan_exec, item=item(tree.songhe), quantity=2
    )
    assert selectors.points_balance(person=people.wushan_exec) == 15


def test_points_expire_at_the_end_of_the_second_year_after_earning(pts, tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 10, day=dt.date(2022, 6, 1))
    give(cast.songhe_chair, people.wushan_exec, 7, day=dt.date(2023, 6, 1))
    lovebank.lovebank_redeem(
        actor=cast.wushan_member, person=people.wushan_exec, item=item(tree.songhe, price=4)
    )  # spends the oldest points first: 6 of 2022's left
    assert services.points_expire(today=dt.date(2024, 12, 31)) == 0
    assert services.points_expire(today=dt.date(2025, 1, 1)) == 1
    assert selectors.points_balance(person=people.wushan_exec) == 7
    expiry = PointEntry.objects.get(kind=Kind.EXPIRE)
    assert expiry.amount == -6 and expiry.day == dt.date(2024, 12, 31)
    assert services.points_expire(today=dt.date(2025, 6, 1)) == 0  # once only
    assert services.points_expire(today=dt.date(2026, 1, 1)) == 1  # 2023's 7
    assert selectors.points_balance(person=people.wushan_exec) == 0


# --- love bank ----------------------------------------------------------------------------------


def test_a_redemption_takes_points_and_stock_and_issues_a_voucher(pts, tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 25)
    rice = item(tree.songhe, price=10, stock=3)
    r = lovebank.lovebank_redeem(
        actor=cast.wushan_member, person=people.wushan_exec, item=rice, quantity=2
    )
    rice.refresh_from_db()
    assert rice.stock == 1 and r.points == 20 and r.entry.amount == -20
    assert len(r.voucher) == 10 and set(r.voucher) <= set(lovebank.VOUCHER_ALPHABET)
    with pytest.raises(ValidationError):  # 5 points left
        lovebank.lovebank_redeem(actor=cast.wushan_member, person=people.wushan_exec, item=rice)
    give(cast.songhe_chair, people.wushan_exec, 100)
    with pytest.raises(ValidationError):  # one left in stock
        lovebank.lovebank_redeem(
            actor=cast.wushan_member, person=people.wushan_exec, item=rice, quantity=2
        )


def test_another_villages_bank_is_not_for_her(pts, tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 25)
    with pytest.raises(ValidationError):
        lovebank.lovebank_redeem(
            actor=cast.wushan_member, person=people.wushan_exec, item=item(tree.gangkou)
        )


def test_a_voucher_is_handed_over_once(pts, tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 25)
    r = lovebank.lovebank_redeem(
        actor=cast.wushan_member, person=people.wushan_exec, item=item(tree.songhe)
    )
    with pytest.raises(PermissionDenied):
        lovebank.redemption_hand_over(actor=cast.gangkou_chair, redemption=r)
    lovebank.redemption_hand_over(actor=cast.songhe_chair, redemption=r)
    with pytest.raises(ValidationError):
        lovebank.redemption_hand_over(actor=cast.songhe_chair, redemption=r)


def test_restock_writes_a_change_row(tree, cast):
    rice = lovebank.lovebank_item_save(
        actor=cast.songhe_chair, org=tree.songhe, name="大米", price=10
    )
    lovebank.lovebank_restock(actor=cast.songhe_chair, item=rice, quantity=20)
    with pytest.raises(ValidationError):
        lovebank.lovebank_restock(actor=cast.songhe_chair, item=rice, quantity=-21)
    rows = list(LoveBankItemChange.objects.filter(item=rice).values_list("action", "new"))
    assert rows[-1] == ("restock", {"stock": 20})
    assert LoveBankItem.objects.get(pk=rice.pk).stock == 20


# --- nominations --------------------------------------------------------------------------------


def test_a_nomination_moves_through_its_statuses_once(pts, tree, cast, people):
    n = nominations.nomination_create(
        actor=cast.songhe_chair, year=2025, org=tree.songhe, person=people.wushan_exec, reason="好"
    )
    with pytest.raises(ValidationError):
        nominations.nomination_create(
            actor=cast.songhe_chair,
            year=2025,
            org=tree.songhe,
            person=people.wushan_exec,
            reason="好",
        )
    with pytest.raises(ValidationError):
        nominations.nomination_transition(actor=cast.songhe_chair, nomination=n, status="selected")
    nominations.nomination_transition(actor=cast.township_cadre, nomination=n, status="shortlisted")
    n = nominations.nomination_transition(
        actor=cast.township_cadre, nomination=n, status="selected"
    )
    assert list(n.changes.values_list("to_status", flat=True)) == [
        "nominated",
        "shortlisted",
        "selected",
    ]


# --- concurrency (PostgreSQL) -------------------------------------------------------------------


def _race(n: int, work) -> list[BaseException]:
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except ValidationError as exc:
            errors.append(exc)
        except BaseException as exc:  # anything else fails the test
            errors.append(RuntimeError(repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _race_setup():
    t = build_tree()
    u = build_users(t)
    people = [Person.objects.create(org=t.songhe, name=f"执委{i}", gender="F") for i in range(5)]
    return t, u, people


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_five_executives_racing_for_the_last_two_items_get_exactly_two():
    t, u, people = _race_setup()
    for p in people:
        give(u.songhe_chair, p, 50)
    rice = item(t.songhe, price=10, stock=2)

    def work(i: int) -> None:
        lovebank.lovebank_redeem(actor=u.songhe_chair, person=people[i], item=rice)

    errors = _race(5, work)
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert len(errors) == 3
    assert Redemption.objects.count() == 2
    assert LoveBankItem.objects.get(pk=rice.pk).stock == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_racing_redemptions_never_overspend_a_balance():
    t, u, people = _race_setup()
    give(u.songhe_chair, people[0], 30)
    items = [item(t.songhe, name=f"物品{i}", price=10, stock=5) for i in range(5)]

    def work(i: int) -> None:
        lovebank.lovebank_redeem(actor=u.songhe_chair, person=people[0], item=items[i])

    errors = _race(5, work)
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert Redemption.objects.count() == 3
    assert selectors.points_balance(person=people[0]) == 0


def test_cases_earn_points_once_verified_for_the_assignee_and_the_participants(pts, tree, people):
    from django.utils import timezone

    from jinguo.cases import services as case_services
    from jinguo.cases.tests.factories import closed, resolved

    today = timezone.localdate()
    resolved(tree.songhe, people.chengjiawan_exec)  # not verified yet: nothing
    case = closed(tree.songhe, people.wushan_exec)
    case_services.case_add_participant(
        actor=None, case=case, person=people.chengjiawan_exec, role="assistant"
    )
    services.points_collect(org=tree.songhe, start=today, end=today)
    rows = PointEntry.objects.filter(kind=Kind.EARN).order_by("action")
    assert [(e.action, e.person_id, e.amount, e.source_id) for e in rows] == [
        ("case_participation", people.chengjiawan_exec.pk, 3, f"case:{case.pk}"),
        ("case_resolved", people.wushan_exec.pk, 5, f"case:{case.pk}"),
    ]
    assert {e.approver_org_id for e in rows} == {tree.songhe.pk}


def test_the_cron_command_collects_every_tree_and_adds_nothing_when_run_again(pts, tree, people):
    from django.core.management import call_command

    call_command("collect_points", "--start=2025-03-01", "--end=2025-03-31", stdout=io.StringIO())
    call_command("collect_points", "--start=2025-03-01", "--end=2025-03-31", stdout=io.StringIO())
    assert PointEntry.objects.filter(kind=Kind.EARN).count() == 4


def test_the_nightly_task_collects_every_tree_and_adds_nothing_when_run_again(
    pts, tree, people, monkeypatch
):
    from jinguo.points import tasks

    monkeypatch.setattr(
        tasks, "collection_window", lambda today: (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    )
    assert tasks.points_collect_all.delay().get()["created"] == 4  # no broker: runs here
    assert tasks.points_collect_all.delay().get()["created"] == 0
    assert PointEntry.objects.filter(kind=Kind.EARN).count() == 4
