"""The offline endpoints: the snapshot holds her households with the least data and nothing
sensitive, the sync stores an outbox item once and refuses with a reason she can read, and
only users who record visits get either."""

import datetime as dt
import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Case
from jinguo.households.assignments import grid_assign, household_assign, household_unassign
from jinguo.households.models import Household
from jinguo.visits.models import Visit, Wish

SYNC = "/offline/sync/"


@pytest.fixture
def mine(plan, people, tree):
    """WS-1 in her 包保 too (she sees her grid's households anyway)."""
    start = plan.ws1.created_at.date()
    grid_assign(actor=None, executive=people.wushan_exec, grid=tree.wushan, start_date=start)
    return household_assign(
        actor=None, household=plan.ws1, executive=people.wushan_exec, start_date=start
    )


def _sync(client, **item):
    return client.post(SYNC, json.dumps(item), content_type="application/json")


def _visit(household, client_id=None, **fields):
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "kind": "visit",
        "household": household.pk,
        "fields": {"channel": "home", "services": ["care"], **fields},
    }


def test_the_snapshot_holds_her_households_and_no_id_number_or_phone(client, cast, plan, mine):
    client.force_login(cast.wushan_member)
    response = client.get(reverse("offline:snapshot"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]
    body = response.json()
    numbers = {h["number"] for h in body["households"]}
    assert {"WS-1", "WS-2", "WS-3", "WS-4"} <= numbers
    assert "GK-6" not in numbers and "CJW-5" not in numbers
    ws1 = next(h for h in body["households"] if h["number"] == "WS-1")
    assert set(ws1) == {"id", "number", "head", "address", "categories", "due"}
    assert ws1["head"] == "户主WS-1"
    assert body["user"] == cast.wushan_member.pk and body["csrf"]


def test_the_snapshot_leaves_sensitive_categories_out(client, cast, plan, mine):
    client.force_login(cast.wushan_member)
    ws2 = next(
        h
        for h in client.get(reverse("offline:snapshot")).json()["households"]
        if h["number"] == "WS-2"
    )
    assert plan.dibao.sensitive  # 低保 is sensitive: the phone never holds it
    assert plan.dibao.name not in ws2["categories"]


@pytest.mark.parametrize("name", ["county_leader", "system_admin", "security_admin", "audit_admin"])
def test_leaders_and_the_three_administrators_get_no_snapshot_and_store_nothing(
    client, cast, plan, name
):
    client.force_login(getattr(cast, name))
    assert client.get(reverse("offline:snapshot")).status_code == 403
    assert _sync(client, **_visit(plan.ws1)).status_code == 403
    assert not Visit.objects.filter(visited_by=getattr(cast, name)).exists()


def test_a_visit_is_stored_then_answered_as_stored_before(client, cast, plan, mine):
    client.force_login(cast.wushan_member)
    item = _visit(plan.ws1)
    first = _sync(client, **item)
    again = _sync(client, **item)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.filter(client_id=item["client_id"]).count() == 1


def test_a_wish_and_a_case_are_stored_for_her_household(client, cast, plan, mine):
    client.force_login(cast.wushan_member)
    wish = {
        "client_id": str(uuid.uuid4()),
        "kind": "wish",
        "household": plan.ws1.pk,
        "fields": {"content": "一台轮椅", "category": "living"},
    }
    case = {
        "client_id": str(uuid.uuid4()),
        "kind": "case",
        "household": plan.ws1.pk,
        "fields": {"kind": "request", "title": "申请临时救助"},
    }
    assert _sync(client, **wish).status_code == 201
    assert _sync(client, **case).status_code == 201
    assert Wish.objects.get(client_id=wish["client_id"]).household == plan.ws1
    stored = Case.objects.get(client_id=case["client_id"])
    assert (stored.household, stored.reported_by) == (plan.ws1, cast.wushan_member)


def test_a_household_handed_to_another_grid_is_refused_with_the_reason(client, cast, plan, mine):
    household_unassign(actor=None, assignment=mine)
    Household.objects.filter(pk=plan.ws1.pk).update(grid=plan.gk6.grid)
    client.force_login(cast.wushan_member)
    response = _sync(client, **_visit(plan.ws1))
    assert response.status_code == 404
    assert response.json() == {
        "refused": True,
        "reason": "该户已不在您的负责范围内（可能已移交他人），这条记录未保存。",
    }
    assert not Visit.objects.filter(household=plan.ws1, visited_by=cast.wushan_member).exists()


def test_a_visit_the_rules_refuse_answers_their_message(client, cast, plan, mine):
    client.force_login(cast.wushan_member)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _sync(client, **_visit(plan.ws1, visited_on=tomorrow))
    assert response.status_code == 400
    assert "走访日期不能晚于今天" in response.json()["reason"]


def test_an_item_without_its_fields_is_refused_in_chinese(client, cast, plan, mine):
    client.force_login(cast.wushan_member)
    response = _sync(client, client_id=str(uuid.uuid4()), kind="visit", household=plan.ws1.pk)
    assert response.status_code == 400
    assert response.json() == {
        "refused": True,
        "reason": "请选择走访方式：入户、电话、微信或活动。",
    }


def test_another_users_client_id_is_refused(client, cast, plan, mine):
    item = _visit(plan.ws1)
    client.force_login(cast.wushan_member)
    _sync(client, **item)
    client.force_login(cast.songhe_chair)
    response = _sync(client, **item)
    assert response.status_code == 400
    assert "已被他人使用" in response.json()["reason"]


def test_the_worker_is_served_at_the_root_with_its_scope_and_no_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "/static/jinguo/offline.js" in response.content.decode()


def test_the_worker_names_productions_hashed_files(client, settings, tmp_path):
    """As production serves them (collectstatic, whitenoise's manifest storage): the worker
    precaches the hashed names, and asks the storage for no name it lacks."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert re.search(r"/static/jinguo/offline\.[0-9a-f]{12}\.js", response.content.decode())


def test_the_manifest_names_the_app_and_its_icons(client):
    body = json.loads(client.get("/manifest.webmanifest").content)
    assert body["start_url"] == "/" and body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}


def test_logout_clears_what_the_site_kept(client, cast):
    client.force_login(cast.wushan_member)
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"kind": "visit", "fields": [1]}'])
def test_a_body_that_is_no_item_is_refused(client, cast, plan, body):
    client.force_login(cast.wushan_member)
    response = client.post(SYNC, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["refused"] is True


def test_the_snapshot_never_holds_a_head_s_id_number_phone_or_a_minor_s_full_name(
    client, cast, plan, mine
):
    head = plan.ws1.head
    head.id_number, head.phone = "341881199001015663", "13912348216"
    head.save(update_fields=["id_number", "phone"])
    minor = plan.ws3.head
    minor.birth_date = timezone.localdate() - dt.timedelta(days=10 * 365)
    minor.save(update_fields=["birth_date"])
    client.force_login(cast.wushan_member)
    text = client.get(reverse("offline:snapshot")).content.decode()
    for secret in ("341881199001015663", "5663", "13912348216", "8216", "户主WS-3"):
        assert secret not in text
    assert '"head": "户*' in text
