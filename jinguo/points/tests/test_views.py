import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.common.tests.sheets import sheet_rows
from jinguo.people.models import Person
from jinguo.points import approval, lovebank, nominations, rankings, selectors, services
from jinguo.points.models import Kind, PointEntry
from jinguo.points.tests.conftest import D, earns, give, item, seat

MARCH = {"start": "2025-03-01", "end": "2025-03-31"}


@pytest.fixture
def world(pts, tree, cast, people):
    """Collected March points; one approved, one rejected (appealed), a Songhe voucher."""
    services.points_collect(org=tree.city, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    ws = earns(people.wushan_exec)
    approval.points_approve(actor=cast.songhe_chair, entries=[ws[0]])
    pts.reject = approval.points_reject(actor=cast.songhe_chair, entry=ws[1], reason="不实")
    pts.appeal = approval.points_appeal(actor=cast.wushan_member, entry=pts.reject, reason="有")
    give(cast.songhe_chair, people.wushan_exec, 30)
    pts.rice = item(tree.songhe)
    pts.redemption = lovebank.lovebank_redeem(
        actor=cast.wushan_member, person=people.wushan_exec, item=pts.rice
    )
    pts.nomination = nominations.nomination_create(
        actor=cast.songhe_chair, year=2025, org=tree.songhe, person=people.wushan_exec, reason="好"
    )
    pts.earn = ws[2]
    return pts


def songhe_urls(w) -> list[str]:
    code = w.redemption.voucher
    return [
        f"/points/entries/{w.earn.pk}/",
        f"/points/lovebank/{w.rice.pk}/",
        f"/points/vouchers/{code}/",
        f"/points/vouchers/{code}/qr.svg",
        f"/api/v1/points/entries/?person={w.earn.person_id}",
    ]


def songhe_posts(w) -> list[tuple[str, dict]]:
    code = w.redemption.voucher
    return [
        (f"/points/entries/{w.earn.pk}/reject/", {"reason": "x"}),
        (f"/points/entries/{w.reject.pk}/appeal/", {"reason": "x"}),
        (f"/points/entries/{w.appeal.pk}/ruling/", {"accept": "1"}),
        ("/points/approve/", {"entries": [w.earn.pk]}),
        (f"/points/lovebank/{w.rice.pk}/restock/", {"quantity": "3"}),
        (f"/points/lovebank/{w.rice.pk}/redeem/", {"quantity": "1"}),
        (f"/points/vouchers/{code}/hand-over/", {}),
        (f"/points/nominations/{w.nomination.pk}/status/", {"status": "shortlisted"}),
        (f"/api/v1/points/entries/{w.earn.pk}/reject/", {"reason": "x"}),
        (f"/api/v1/points/entries/{w.appeal.pk}/ruling/", {"accept": True}),
        ("/api/v1/points/entries/approve/", {"entries": [w.earn.pk]}),
        (f"/api/v1/lovebank/items/{w.rice.pk}/redeem/", {"quantity": 1}),
        (f"/api/v1/lovebank/vouchers/{code}/hand-over/", {}),
        (f"/api/v1/points/nominations/{w.nomination.pk}/status/", {"status": "shortlisted"}),
    ]


@pytest.mark.parametrize("who", ["gangkou_chair", "langxi_cadre"])
def test_another_village_cannot_see_songhe_entries_items_or_vouchers(world, cast, login, who):
    client = login(getattr(cast, who))
    for url in songhe_urls(world):
        response = client.get(url)
        if url.startswith("/api/"):  # a person out of scope
            assert response.status_code == 404, url
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("who", ["gangkou_chair", "langxi_cadre"])
def test_another_village_cannot_act_on_songhe_records(world, cast, login, who):
    client = login(getattr(cast, who))
    for url, data in songhe_posts(world):
        if url.startswith("/api/"):
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data)
        assert response.status_code == 404, url


def test_a_county_leader_sees_but_cannot_write(world, cast, login, tree):
    client = login(cast.county_leader)
    assert client.get(f"/points/entries/{world.earn.pk}/").status_code == 200
    for url, data in songhe_posts(world):
        if url.startswith("/api/"):
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data)
        assert response.status_code == 403, url
    writes = [
        (f"/points/collect/?org={tree.songhe.pk}", {}),
        (f"/points/rules/?org={tree.songhe.pk}", {"action": "visit", "points": "3"}),
        ("/points/correct/", {"person": world.earn.person_id, "amount": "1", "reason": "x"}),
        (f"/points/lovebank/new/?org={tree.songhe.pk}", {"name": "米", "price": "1"}),
        (f"/points/nominations/?org={tree.songhe.pk}", {"person": "1", "year": "2025"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert PointEntry.objects.filter(kind=Kind.CORRECT).count() == 0


def test_the_administrators_see_no_points(world, cast, login):
    client = login(cast.audit_admin)
    urls = ["/points/ledger/", "/points/queue/", "/points/history/"]
    for url in [*urls, f"/points/entries/{world.earn.pk}/"]:
        assert client.get(url).status_code == 404, url


def test_every_page_renders_for_the_songhe_chair(world, cast, login, tree):
    client = login(cast.songhe_chair)
    org = f"?org={tree.songhe.pk}"
    urls = [
        "/points/",
        "/points/history/",
        f"/points/queue/{org}",
        f"/points/ledger/{org}",
        f"/points/rules/{org}",
        "/points/lovebank/",
        f"/points/lovebank/{world.rice.pk}/",
        "/points/redemptions/",
        f"/points/vouchers/{world.redemption.voucher}/",
        f"/points/vouchers/{world.redemption.voucher}/qr.svg",
        f"/points/rankings/{org}",
        f"/points/nominations/{org}",
        f"/points/figures/{org}",
        f"/points/entries/{world.appeal.pk}/",
        "/points/correct/",
    ]
    for url in urls:
        assert client.get(url, follow=True).status_code == 200, url


def test_the_executive_sees_her_balance_and_appeals_from_her_phone(world, cast, login, people):
    client = login(cast.wushan_member)
    page = client.get("/points/").content.decode()
    assert str(selectors.points_balance(person=people.wushan_exec)) in page
    voucher = client.get(f"/points/vouchers/{world.redemption.voucher}/")
    assert voucher.status_code == 200
    reject = approval.points_reject(actor=cast.songhe_chair, entry=world.earn, reason="x")
    response = client.post(f"/points/entries/{reject.pk}/appeal/", {"reason": "请复核"})
    assert response.status_code == 302
    assert PointEntry.objects.filter(kind=Kind.APPEAL, ref=reject).exists()


def test_the_queue_approves_by_checkbox_and_collect_now_adds_nothing_twice(
    world, cast, login, tree
):
    client = login(cast.township_cadre)
    pending = list(selectors.approval_queue(user=cast.township_cadre))
    assert pending
    client.post("/points/approve/", {"entries": [e.pk for e in pending]})
    assert selectors.approval_queue(user=cast.township_cadre).count() == 0
    before = PointEntry.objects.count()
    client.post(
        f"/points/collect/?org={tree.helixi.pk}", {"start": "2025-03-01", "end": "2025-03-31"}
    )
    assert PointEntry.objects.count() == before


def test_a_correction_of_a_person_out_of_scope_is_a_form_error(world, cast, login, people):
    client = login(cast.gangkou_chair)
    data = {"person": people.wushan_exec.pk, "amount": "5", "reason": "x"}
    response = client.post("/points/correct/", data)
    assert response.status_code == 200 and "不存在" in response.content.decode()
    assert not PointEntry.objects.filter(kind=Kind.CORRECT).exists()


def test_a_redemption_beyond_the_balance_loses_nothing_and_says_why(world, cast, login):
    client = login(cast.wushan_member)
    response = client.post(
        f"/points/lovebank/{world.rice.pk}/redeem/", {"quantity": "4"}, follow=True
    )
    assert "积分余额不足" in response.content.decode() or "库存不足" in response.content.decode()


def test_exports_are_audited(world, cast, login, tree):
    client = login(cast.songhe_chair)
    for url in ["/points/ledger.xlsx", "/points/redemptions.xlsx"]:
        response = client.get(url + f"?org={tree.songhe.pk}")
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/vnd"
        )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"points.export", "points.redemptions_export"} <= actions


# --- rankings and figures -----------------------------------------------------------------------


def test_executives_with_equal_points_share_a_rank(tree, cast, people):
    services.point_rules_seed(actor=None, org=tree.city)
    third = Person.objects.create(org=tree.songhe, name="丁三", gender="F")
    for p in (people.wushan_exec, people.chengjiawan_exec, third):
        seat(p)
    give(cast.songhe_chair, people.wushan_exec, 10)
    give(cast.songhe_chair, people.chengjiawan_exec, 10)
    give(cast.songhe_chair, third, 4)
    rows: list[Any] = list(rankings.executive_ranking(org=tree.songhe, start=D, end=D))
    assert [(r.points, r.rank) for r in rows] == [(10, 1), (10, 1), (4, 3)]


def test_units_are_ranked_by_points_per_executive(tree, cast, people):
    for p in (people.wushan_exec, people.chengjiawan_exec, people.gangkou_exec):
        seat(p)
    give(cast.songhe_chair, people.wushan_exec, 10)
    give(cast.songhe_chair, people.chengjiawan_exec, 2)
    give(cast.gangkou_chair, people.gangkou_exec, 9)
    ranking = rankings.unit_ranking(user=cast.township_cadre, org=tree.helixi, start=D, end=D)
    assert [(r.unit, r.points, r.executives, r.per_executive, r.rank) for r in ranking.rows] == [
        (tree.gangkou, 9, 1, 9.0, 1),
        (tree.songhe, 12, 2, 6.0, 2),
    ]


def _rows_shown(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "page" in context:
        return context["page"].paginator.count
    if "people" in context:
        return len(list(context["people"]))
    return len(list(context["rows"]))


def test_each_figure_equals_the_rows_its_link_lists(world, cast, login, tree):
    approval.points_approve(actor=cast.songhe_chair, entries=[world.earn])
    client = login(cast.township_cadre)
    figures = selectors.points_figures(
        user=cast.township_cadre,
        org=tree.helixi,
        start=dt.date(2025, 1, 1),
        end=timezone.localdate(),
    )
    assert {f.key for f in figures} >= {"points.approved", "points.pending", "points.nominations"}
    for f in figures:
        if f.key in ("points.approved", "points.redeemed", "points.items"):
            continue  # sums: checked below
        assert f.value == _rows_shown(client, f.url), f.key
    ledger = selectors.entry_list(
        user=cast.township_cadre,
        filters=selectors.LedgerFilters(org=tree.helixi, kind="approve", start=dt.date(2025, 1, 1)),
    )
    approved = next(f for f in figures if f.key == "points.approved")
    assert approved.value == sum(e.amount for e in ledger) == 32
    items = next(f for f in figures if f.key == "points.items")
    assert items.value == 1 and _rows_shown(client, items.url) == 1


# --- query counts -------------------------------------------------------------------------------


def _more(tree, cast, people, n: int) -> None:
    for i in range(n):
        p = Person.objects.create(org=tree.songhe, name=f"执委{i}", gender="F")
        bonus = give(cast.songhe_chair, p, 5 + i)
        services.point_bonus(actor=cast.songhe_chair, person=p, points=1, reason="待审")
        give(cast.songhe_chair, p, 30)
        r = lovebank.lovebank_redeem(actor=cast.songhe_chair, person=p, item=item(tree.songhe))
        nominations.nomination_create(
            actor=cast.songhe_chair, year=2025, org=tree.songhe, person=p, reason="好"
        )
        del bonus, r


@pytest.mark.parametrize(
    "url",
    [
        "/points/ledger/",
        "/points/queue/",
        "/points/redemptions/",
        "/points/lovebank/",
        "/points/nominations/",
        "/points/rankings/?start=2025-01-01",
        "/api/v1/points/entries/",
        "/api/v1/lovebank/items/",
        "/api/v1/points/nominations/",
        "/api/v1/points/rankings/?start=2025-01-01",
    ],
)
def test_lists_do_not_query_per_row(tree, cast, people, login, count_queries, url):
    client = login(cast.songhe_chair)
    _more(tree, cast, people, 2)
    small = count_queries(lambda: client.get(url))
    _more_again(tree, cast, 4)
    large = count_queries(lambda: client.get(url))
    assert small == large, url


def _more_again(tree, cast, n: int) -> None:
    for i in range(n):
        p = Person.objects.create(org=tree.songhe, name=f"新执委{i}", gender="F")
        give(cast.songhe_chair, p, 30)
        services.point_bonus(actor=cast.songhe_chair, person=p, points=1, reason="待审")
        lovebank.lovebank_redeem(actor=cast.songhe_chair, person=p, item=item(tree.songhe))
        nominations.nomination_create(
            actor=cast.songhe_chair, year=2025, org=tree.songhe, person=p, reason="好"
        )


# --- API ----------------------------------------------------------------------------------------


def test_the_api_runs_the_points_loop(pts, tree, cast, people, api):
    chair = api(cast.songhe_chair)
    r = chair.post(
        "/api/v1/points/collect/",
        {"org": tree.songhe.pk, "start": "2025-03-01", "end": "2025-03-31"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["created"] == 3, r.json()
    pending = chair.get("/api/v1/points/entries/", {"status": "pending"}).json()["results"]
    ids = [e["id"] for e in pending]
    assert (
        chair.post(
            "/api/v1/points/entries/approve/", {"entries": ids[:2]}, format="json"
        ).status_code
        == 200
    )
    rej = chair.post(f"/api/v1/points/entries/{ids[2]}/reject/", {"reason": "不实"}, format="json")
    assert rej.status_code == 201
    me = api(cast.wushan_member)
    assert me.get("/api/v1/points/balance/").json()["balance"] == 2
    appeal = me.post(
        f"/api/v1/points/entries/{rej.json()['id']}/appeal/", {"reason": "有"}, format="json"
    )
    assert appeal.status_code == 201
    ruling = api(cast.township_cadre).post(
        f"/api/v1/points/entries/{appeal.json()['id']}/ruling/", {"accept": True}, format="json"
    )
    assert ruling.status_code == 201
    assert me.get("/api/v1/points/balance/").json()["balance"] == 3
    rice = item(tree.songhe, price=3, stock=1)
    assert [i["id"] for i in me.get("/api/v1/lovebank/items/").json()] == [rice.pk]
    red = me.post(f"/api/v1/lovebank/items/{rice.pk}/redeem/", {"quantity": 1}, format="json")
    assert red.status_code == 201, red.json()
    code = red.json()["voucher"]
    assert chair.post(f"/api/v1/lovebank/vouchers/{code}/hand-over/").status_code == 200
    again = chair.post(f"/api/v1/lovebank/vouchers/{code}/hand-over/")
    assert again.status_code == 400
    assert me.get("/api/v1/points/balance/").json()["balance"] == 0


def test_the_api_sets_rules_corrects_nominates_and_reports(pts, tree, cast, people, api):
    chair = api(cast.songhe_chair)
    r = chair.post("/api/v1/points/rules/", {"action": "visit", "points": 4}, format="json")
    assert r.status_code == 200 and r.json()["org"]["id"] == tree.songhe.pk
    actions = {(x["action"], x["org"]["id"]) for x in chair.get("/api/v1/points/rules/").json()}
    assert ("visit", tree.songhe.pk) in actions and ("visit", tree.city.pk) in actions
    c = chair.post(
        "/api/v1/points/corrections/",
        {"person": people.wushan_exec.pk, "amount": 2, "reason": "补录"},
        format="json",
    )
    assert c.status_code == 201
    n = chair.post(
        "/api/v1/points/nominations/",
        {"person": people.wushan_exec.pk, "year": 2025, "reason": "好"},
        format="json",
    )
    assert n.status_code == 201
    s = chair.post(
        f"/api/v1/points/nominations/{n.json()['id']}/status/",
        {"status": "shortlisted"},
        format="json",
    )
    assert s.json()["status"] == "shortlisted"
    assert chair.get("/api/v1/points/nominations/").json()["count"] == 1
    ranks = chair.get("/api/v1/points/rankings/", {"start": "2025-01-01"}).json()
    assert "executives" in ranks and "units" in ranks
    figures = chair.get("/api/v1/points/figures/").json()
    assert {f["key"] for f in figures} >= {"points.approved", "points.nominations"}
    other = api(cast.gangkou_chair).post(
        "/api/v1/points/corrections/",
        {"person": people.wushan_exec.pk, "amount": 2, "reason": "x"},
        format="json",
    )
    assert other.status_code == 404


def test_nominees_show_their_year_points_and_rank(tree, cast, people):
    give(cast.songhe_chair, people.wushan_exec, 10, day=dt.date(2025, 5, 1))
    give(cast.songhe_chair, people.chengjiawan_exec, 20, day=dt.date(2025, 5, 1))
    give(cast.songhe_chair, people.chengjiawan_exec, 50, day=dt.date(2024, 5, 1))
    for p in (people.wushan_exec, people.chengjiawan_exec):
        nominations.nomination_create(
            actor=cast.songhe_chair, year=2025, org=tree.songhe, person=p, reason="好"
        )
    rows = {
        n.person_id: (n.year_points, n.rank, n.balance)
        for n in selectors.nomination_list(user=cast.songhe_chair)
    }
    assert rows == {people.chengjiawan_exec.pk: (20, 1, 70), people.wushan_exec.pk: (10, 2, 10)}


def test_the_exports_read_back_their_headers(world, cast, login, tree):
    client = login(cast.songhe_chair)
    ledger = sheet_rows(client.get(f"/points/ledger.xlsx?org={tree.songhe.pk}").content)
    assert ledger[0] == ["日期", "执委", "组织", "类型", "履职事项", "积分", "理由"]
    redemptions = sheet_rows(client.get(f"/points/redemptions.xlsx?org={tree.songhe.pk}").content)
    assert redemptions[0] == [
        "日期",
        "兑换券号",
        "执委",
        "爱心银行",
        "物品",
        "数量",
        "积分",
        "领取时间",
    ]
