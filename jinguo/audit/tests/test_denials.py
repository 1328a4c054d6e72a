"""Refused access in the audit log (AccessDeniedAuditMiddleware, audit_access_denied): a record
outside the scope (404), a read-only role's write (403), rate-limited per account or address."""

import pytest
from django.test import Client

from jinguo.audit import services
from jinguo.audit.models import AuditEvent
from jinguo.households.tests.factories import household
from jinguo.orgs.models import OrgUnit

LIMIT = services.DENIALS_PER_MINUTE


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """Every request of a test falls in the same minute of the rate limit."""
    monkeypatch.setattr(services, "_now", lambda: 1_800_000_000.0)


def denials(**filters):
    return list(AuditEvent.objects.filter(action__startswith="access.", **filters))


def test_a_county_cadre_opening_another_countys_household_is_audited(cast, tree, login):
    grid = OrgUnit.objects.create(
        name="东门一组网格", kind=OrgUnit.Kind.GRID, code="341821100001001", parent=tree.dongmen
    )
    theirs = household(grid, "DM-001")
    response = login(cast.county_cadre).get(f"/households/{theirs.pk}/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 404
    [row] = denials()
    assert (row.action, row.actor, row.ip) == ("access.denied", cast.county_cadre, "10.1.2.3")
    assert row.changes == {
        "method": "GET",
        "path": f"/households/{theirs.pk}/",
        "status": 404,
        "view": "households:detail",
    }


def test_a_leaders_refused_write_is_audited(cast, tree, login):
    ours = household(tree.wushan, "WS-001")
    response = login(cast.county_leader).post(f"/households/{ours.pk}/edit/", {"address": "x"})
    assert response.status_code == 403
    [row] = denials()
    assert row.actor == cast.county_leader and row.changes["status"] == 403
    assert row.changes["method"] == "POST" and row.changes["view"] == "households:edit"


def test_a_leaders_refused_api_write_is_audited(cast, tree, login):
    response = login(cast.county_leader).post(
        "/api/v1/orgs/",
        {"parent": tree.helixi.pk, "name": "新社区", "kind": "community"},
        content_type="application/json",
    )
    assert response.status_code == 403
    [row] = denials()
    assert row.actor == cast.county_leader and row.changes["path"] == "/api/v1/orgs/"


def test_a_record_outside_the_scope_through_the_api_is_audited(cast, tree, login):
    assert login(cast.county_cadre).get(f"/api/v1/orgs/{tree.langxi.pk}/").status_code == 404
    [row] = denials()
    assert row.actor == cast.county_cadre and row.changes["status"] == 404


def test_an_address_no_route_matches_is_not_refused_access(cast, login):
    client = login(cast.county_cadre)
    assert client.get("/favicon.ico").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    assert denials() == []


def test_a_signed_out_visitors_404_is_not_refused_access(db):
    assert Client().get("/meetings/notice/999999999999/").status_code == 404
    assert denials() == []


def test_pages_answered_normally_write_no_denial(cast, tree, login):
    assert login(cast.county_cadre).get(f"/orgs/{tree.ningguo.pk}/").status_code == 200
    assert denials() == []


def test_a_hundred_refusals_write_no_more_than_the_limit_and_a_summary(cast, tree, login):
    client = login(cast.county_cadre)
    for _ in range(100):
        assert client.get(f"/orgs/{tree.langxi.pk}/").status_code == 404
    rows = denials()
    assert len(rows) == LIMIT + 1
    [summary] = [row for row in rows if row.action == "access.throttled"]
    assert summary.actor == cast.county_cadre and str(LIMIT) in summary.note
    assert summary.pk == max(row.pk for row in rows)


def test_the_limit_counts_each_account_on_its_own(cast, tree, login):
    for _ in range(LIMIT + 5):
        login(cast.county_cadre).get(f"/orgs/{tree.langxi.pk}/")
    login(cast.langxi_cadre).get(f"/orgs/{tree.ningguo.pk}/")
    [row] = denials(actor=cast.langxi_cadre)
    assert row.action == "access.denied"


def test_the_next_minute_records_again_and_says_how_many_were_left_out(
    cast, tree, login, monkeypatch
):
    client = login(cast.county_cadre)
    for _ in range(LIMIT + 11):
        client.get(f"/orgs/{tree.langxi.pk}/")
    monkeypatch.setattr(services, "_now", lambda: 1_800_000_060.0)
    client.get(f"/orgs/{tree.langxi.pk}/")
    latest = AuditEvent.objects.filter(action="access.denied").latest("pk")
    assert latest.changes["omitted_previous_minute"] == 10
    assert len(denials()) == LIMIT + 2


def test_signed_out_refusals_are_counted_per_client_address(db):
    for _ in range(LIMIT + 5):
        assert Client(REMOTE_ADDR="10.9.9.9").get("/api/v1/orgs/").status_code == 403
    Client(REMOTE_ADDR="10.9.9.8").get("/api/v1/orgs/")
    assert len(denials(ip="10.9.9.9")) == LIMIT + 1
    [other] = denials(ip="10.9.9.8")
    assert other.actor is None and other.action == "access.denied"


def test_a_failed_csrf_check_is_audited_with_its_reason(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.county_cadre)
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 403
    [row] = denials()
    assert row.changes["reason"].startswith("CSRF")


def test_the_audit_log_names_the_refusal_in_chinese(cast, tree, login):
    login(cast.county_cadre).get(f"/orgs/{tree.langxi.pk}/")
    page = login(cast.audit_admin).get("/audit/", {"action": "access"}).content.decode()
    assert "拒绝访问" in page and "access.denied" in page


def test_the_audit_export_names_the_refusal_in_chinese(cast, tree, login):
    import io

    from python_calamine import CalamineWorkbook

    login(cast.county_cadre).get(f"/orgs/{tree.langxi.pk}/")
    response = login(cast.audit_admin).get("/audit/export.xlsx", {"action": "access"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    [_header, denied] = rows.to_python()
    assert denied[1] == "county_cadre" and denied[2] == "拒绝访问 (access.denied)"
