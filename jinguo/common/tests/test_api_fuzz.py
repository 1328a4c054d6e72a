"""Every API operation fuzzed from its OpenAPI schema: whatever a client sends, no 500.

schemathesis generates requests from the schema drf-spectacular builds (valid ones and ones
that break it) and sends them to the app in-process, signed in as a county cadre (宁国市: most
of the cast's tree is hers). A failure names the operation and prints the request as a curl
command; fix the app (a 400 with a message) and add a regression test in that app, rather than
loosening this test.
"""

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from jinguo.activities import services as activities
from jinguo.cases.services import case_report
from jinguo.households.tests.factories import household
from jinguo.people.models import Person
from jinguo.points.services import lovebank_item_save
from jinguo.visits.services import wish_collect

# A few examples per operation keep the run under a minute on SQLite; `deterministic` makes them
# the same on every run and machine, so a failure in CI is a failure on a laptop. For a deeper
# search, raise the number (40 runs for about 15 minutes) and enable the coverage phase.
EXAMPLES_PER_OPERATION = 5

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


schema = schemathesis.openapi.from_dict(_openapi(), config=CONFIG)
APP = WSGIHandler()


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


def _team(t: SimpleNamespace) -> int:
    team = activities.team_create(actor=t.cast.songhe_chair, org=t.tree.songhe, name="志愿者服务队")
    return team.pk


def _membership(t: SimpleNamespace) -> int:
    team = activities.team_create(actor=t.cast.songhe_chair, org=t.tree.songhe, name="服务队")
    person = Person.objects.create(org=t.tree.wushan, name="李梅", gender="F")
    return activities.membership_add(actor=t.cast.songhe_chair, team=team, person=person).pk


# Records behind the path parameters, made only for the operations that name them: a random id
# finds nothing, a real record takes the request past the lookup to the rules behind it. (The
# other parameters keep their random ids: those operations are checked to answer 404 cleanly.)
RECORDS: dict[str, Callable[[SimpleNamespace], int]] = {
    "org_id": lambda t: t.tree.songhe.pk,
    "person_id": lambda t: Person.objects.create(org=t.tree.wushan, name="汪秀兰", gender="F").pk,
    "household_id": lambda t: household(t.tree.wushan, "WS-1").pk,
    "wish_id": lambda t: wish_collect(
        actor=t.cast.songhe_chair, content="一台轮椅", category="medical"
    ).pk,
    "case_id": lambda t: case_report(
        actor=t.cast.songhe_chair, org=t.tree.songhe, kind="dispute_neighbour", title="地界"
    ).pk,
    "activity_id": lambda t: activities.activity_create(
        actor=t.cast.songhe_chair,
        org=t.tree.songhe,
        kind="festival",
        title="三八妇女节游园",
        starts_on=timezone.localdate() - dt.timedelta(days=3),
    ).pk,
    "team_id": _team,
    "membership_id": _membership,
    "item_id": lambda t: lovebank_item_save(
        actor=t.cast.songhe_chair, org=t.tree.songhe, name="大米", price=10, stock=5
    ).pk,
}


@pytest.fixture
def records(tree, cast) -> Callable[[str], int]:
    """records(name) → the id of a record for that path parameter, made once per operation
    (every example of the operation gets the same one)."""
    made: dict[str, int] = {}
    given = SimpleNamespace(tree=tree, cast=cast)

    def _get(name: str) -> int:
        if name not in made:
            made[name] = RECORDS[name](given)
        return made[name]

    return _get


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_never_answers_with_a_server_error(case, signed_in, records):
    for name in set(case.path_parameters or {}) & set(RECORDS):
        case.path_parameters[name] = records(name)
    response = case.call(app=APP, **signed_in)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
