"""Every API operation fuzzed from its OpenAPI schema: whatever a client sends, no 500.

schemathesis generates requests from the schema drf-spectacular builds (valid ones and ones
that break it) and sends them to the app in-process, signed in as a county cadre (宁国市: most
of the cast's tree is hers). Every path parameter names a real record in her scope (made by
fuzz_records.py, once per operation), so the fuzzed bodies and query strings reach the rules
behind the lookup; ids outside her scope are the authorisation matrix's business. A failure
names the operation and prints the request as a curl command; fix the app (a 400 with a
message) and add a regression test in that app, rather than loosening this test.
"""

import os
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from jinguo.common.tests.fuzz_records import maker

# A few examples per operation keep the run short on SQLite; `deterministic` makes them the
# same on every run and machine, so a failure in CI is a failure on a laptop. For a deeper
# search, raise the number (JINGUO_FUZZ_EXAMPLES=40 runs for about 15 minutes) and enable the
# coverage phase.
EXAMPLES_PER_OPERATION = int(os.environ.get("JINGUO_FUZZ_EXAMPLES", "5"))

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",  # nothing written to .hypothesis/ in the work tree
        },
        # The coverage phase sends hundreds of boundary cases per operation (minutes in all).
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)


def _openapi() -> dict:
    with GENERATOR_STATS.silence():
        return SchemaGenerator().get_schema(request=None, public=True)


OPENAPI = _openapi()
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)
APP = WSGIHandler()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads the fuzz sends (photos, evidence) land in the test's directory."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def signed_in(cast, client):
    """The session (and a CSRF token) of the county cadre, for requests sent straight to the
    WSGI app rather than through Django's test client."""
    # Like the test client, keep the test's transaction: no connection closed per request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client.force_login(cast.county_cadre)
    token = "fuzz" * 8  # any 32 characters: SessionAuthentication compares cookie and header
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    yield {"cookies": cookies, "headers": {"X-CSRFToken": token}}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(tree, cast, people) -> Callable[[str, str], Any]:
    """records(path, name) → the id of a real record for path parameter `name` of the
    operation at `path`, made on first use; every example of the operation (one test) gets
    the same record, and the makers of one operation share theirs (a participant belongs to
    the activity of the path)."""
    made: dict[str, Any] = {}

    def _get(path: str, name: str) -> Any:
        if name not in made:
            make = maker(path, name)
            if make is None:
                raise LookupError(f"fuzz_records.py has no maker for {{{name}}} of {path}")
            given = SimpleNamespace(
                tree=tree, cast=cast, people=people, record=lambda other: _get(path, other)
            )
            made[name] = make(given)
        return made[name]

    return _get


def _with_path_parameters() -> list[Any]:
    """(method, path, names of its path parameters) of every operation that has any."""
    found = []
    for path, item in OPENAPI["paths"].items():
        for verb, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names:
                method = verb.upper()
                found.append(pytest.param(method, path, names, id=f"{method} {path}"))
    return found


@pytest.mark.parametrize(("method", "path", "names"), _with_path_parameters())
def test_every_path_parameter_has_a_record(method, path, names, cast, login, records):
    """Each maker builds its record in the county cadre's scope and the operation finds it: an
    empty request gets past the lookup. A new endpoint with a path parameter needs a maker in
    fuzz_records.py, or this fails."""
    url = path.format(**{name: records(path, name) for name in names})
    client = login(cast.county_cadre)
    response = client.generic(method, url, data="{}", content_type="application/json")
    assert response.status_code != 404, (method, url, response.content[:300])


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_never_answers_with_a_server_error(case, signed_in, records):
    for name in case.path_parameters or {}:
        case.path_parameters[name] = records(case.operation.path, name)
    response = case.call(app=APP, **signed_in)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
