import re

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

OPERATIONS = {
    ("/api/v1/me/", "get"): "me",
    ("/api/v1/orgs/", "get"): "org_list",
    ("/api/v1/orgs/", "post"): "org_create",
    ("/api/v1/orgs/{org_id}/", "get"): "org_detail",
    ("/api/v1/orgs/{org_id}/", "patch"): "org_update",
    ("/api/v1/orgs/{org_id}/move/", "post"): "org_move",
    ("/api/v1/orgs/{org_id}/history/", "get"): "org_history",
    ("/api/v1/people/", "get"): "person_list",
    ("/api/v1/people/", "post"): "person_create",
    ("/api/v1/people/{person_id}/", "get"): "person_detail",
    ("/api/v1/people/{person_id}/", "patch"): "person_update",
    ("/api/v1/people/{person_id}/unmask/", "post"): "person_unmask",
    ("/api/v1/people/executives/", "get"): "executive_roster",
    ("/api/v1/people/executives/figures/", "get"): "executive_figures",
    ("/api/v1/households/", "get"): "household_list",
    ("/api/v1/households/", "post"): "household_create",
    ("/api/v1/households/{household_id}/", "get"): "household_detail",
    ("/api/v1/households/{household_id}/assign/", "post"): "household_assign",
    ("/api/v1/households/coverage/", "get"): "household_coverage",
    ("/api/v1/visits/", "post"): "visit_create",
    ("/api/v1/visits/todo/", "get"): "visit_todo",
    ("/api/v1/wishes/", "get"): "wish_list",
    ("/api/v1/wishes/", "post"): "wish_collect",
    ("/api/v1/wishes/{wish_id}/claim/", "post"): "wish_claim",
    ("/api/v1/wishes/{wish_id}/fulfil/", "post"): "wish_fulfil",
    ("/api/v1/cases/", "get"): "case_list",
    ("/api/v1/cases/", "post"): "case_report",
    ("/api/v1/cases/{case_id}/", "get"): "case_detail",
    ("/api/v1/cases/{case_id}/actions/", "post"): "case_action",
    ("/api/v1/cases/figures/", "get"): "case_figures",
}


@pytest.fixture
def schema():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, problems


def test_schema_generates_without_warnings_or_errors(schema):
    _, problems = schema
    assert problems == []


def test_schema_is_valid_openapi(schema):
    validate_schema(schema[0])


def test_schema_documents_every_operation_with_an_id_and_a_tag(schema):
    paths = schema[0]["paths"]
    found = {
        (path, method): operation["operationId"]
        for path, methods in paths.items()
        for method, operation in methods.items()
    }
    assert found == OPERATIONS
    for methods in paths.values():
        for operation in methods.values():
            assert operation["tags"] and operation["summary"]


def test_list_operations_document_the_page_envelope(schema):
    paths = schema[0]["paths"]
    for path in ("/api/v1/orgs/", "/api/v1/orgs/{org_id}/history/"):
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok["$ref"].startswith("#/components/schemas/Paginated")
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"page", "page_size"} <= names


def test_schema_endpoint_answers(cast, client):
    client.force_login(cast.songhe_chair)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/orgs/" in response.json()["paths"]


def test_docs_page_loads_swagger_ui_from_our_own_static_files(cast, client):
    client.force_login(cast.songhe_chair)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in url for url in assets)
    for url in assets:
        assert url.startswith("/static/"), url
    assert "cdn" not in html.lower()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_schema_and_docs_need_a_login(db, client):
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403
