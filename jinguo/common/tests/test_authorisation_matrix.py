"""The authorisation matrix: every page and API URL that names a record, for a user who may see
it, a user of another village who may not, and a read-only leader; and every write (POST, PUT,
PATCH, DELETE on every page and API URL, creation pages included) for the leader and the three
administrators (三员), who may write nothing at all.

The demo data gives every kind of record. For each URL pattern with a record in its path the
test picks a record of 宁国市 outside 西山村 and asserts:
- `xishan` (the 西山村 cadre) cannot read it: GET answers 404 (or 405 for a POST-only URL), never
  200 or a redirect; her POST answers 403/404/405 and changes no table, but for the audit log's
  rows of the refusals themselves (access.denied, access.throttled);
- `leader` (宁国市, read-only) cannot change it: every POST answers 403/404/405 and changes
  no table but for those rows;
- `ningguo` (the 宁国市 cadre) can open it (not 404), so the records picked are real ones.
- `xishan`, `leader`, `sysadmin`, `secadmin` and `auditor`: every write method on those URLs
  answers 403/404/405 (an API 400 for a body it rejects first) and changes no table; `leader`
  and the 三员 get the same on every other URL, the creation pages and API collections included
  (orgs.selectors.may_write_at is the rule behind all of them).
A URL pattern whose parameter has no entry in TARGETS fails the test: a new route must join
the matrix.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEvent
from jinguo.backups.archive import table_checksums
from jinguo.orgs.models import OrgUnit

# (app of the view, parameter) → (model, path of its OrgUnit's `path`). "*" matches any app.
TARGETS: dict[tuple[str, str], tuple[str, str]] = {
    ("*", "org_id"): ("orgs.OrgUnit", "path"),
    ("*", "grid_id"): ("orgs.OrgUnit", "path:grid"),
    ("*", "person_id"): ("people.Person", "org__path"),
    ("*", "household_id"): ("households.Household", "grid__path"),
    ("people", "post_id"): ("people.ConcurrentPost", "org__path"),
    ("people", "seat_id"): ("people.ExecutiveSeat", "org__path"),
    ("people", "team_id"): ("people.Team", "org__path"),
    ("people", "membership_id"): ("people.TeamMembership", "team__org__path"),
    ("households", "assignment_id"): ("households.HouseholdAssignment", "household__grid__path"),
    ("imports", "job_id"): ("imports.ImportJob", "org__path"),
    ("visits", "wish_id"): ("visits.Wish", "org__path"),
    ("cases", "case_id"): ("cases.Case", "org__path"),
    ("intake", "point_id"): ("intake.IntakePoint", "org__path"),
    ("meetings", "meeting_id"): ("meetings.Meeting", "org__path"),
    ("meetings", "topic_id"): ("meetings.Topic", "meeting__org__path"),
    ("meetings", "resolution_id"): ("meetings.Resolution", "meeting__org__path"),
    ("activities", "activity_id"): ("activities.Activity", "org__path"),
    ("activities", "participant_id"): ("activities.ActivityParticipant", "activity__org__path"),
    ("activities", "series_id"): ("activities.ActivitySeries", "org__path"),
    ("activities", "team_id"): ("activities.VolunteerTeam", "org__path"),
    ("activities", "membership_id"): ("activities.VolunteerMembership", "team__org__path"),
    ("trainings", "course_id"): ("trainings.Course", "org__path"),
    ("trainings", "session_id"): ("trainings.Session", "course__org__path"),
    ("sanxin", "sanxin_org_id"): ("sanxin.SanxinOrg", "org__path"),
    ("sanxin", "worker_id"): ("sanxin.SanxinWorker", "sanxin_org__org__path"),
    ("sanxin", "exemplary_id"): ("sanxin.ExemplaryWoman", "org__path"),
    ("honours", "honour_id"): ("honours.FamilyHonour", "org__path"),
    ("employment", "loan_id"): ("employment.Loan", "org__path"),
    ("employment", "fair_id"): ("employment.JobFair", "org__path"),
    ("employment", "employer_id"): ("employment.JobFairEmployer", "fair__org__path"),
    ("points", "entry_id"): ("points.PointEntry", "org__path"),
    ("points", "item_id"): ("points.LoveBankItem", "org__path"),
    ("points", "nomination_id"): ("points.Nomination", "org__path"),
    ("points", "code"): ("points.Redemption", "item__org__path"),
    ("assessments", "round_id"): ("assessments.AssessmentRound", "org__path"),
    ("assessments", "scheme_id"): ("assessments.AssessmentScheme", "org__path"),
    ("assessments", "result_id"): ("assessments.AssessmentResult", "org__path"),
    ("assessments", "appeal_id"): ("assessments.Appeal", "result__org__path"),
    ("assessments", "statement_id"): ("assessments.AllowanceStatement", "org__path"),
    # A round is readable by the units it asks: pick one that asks nothing of 西山村.
    ("rounds", "round_id"): ("rounds.Round", "targets__org__path"),
    ("rounds", "target_id"): ("rounds.Target", "org__path"),
    ("rounds", "submission_id"): ("rounds.Submission", "target__org__path"),
    ("reports", "template_id"): ("reports.ReportTemplate", "org__path"),
    ("rounds", "photo_id"): ("rounds.TargetPhoto", "target__org__path"),
    ("rounds", "submission_photo_id"): ("rounds.SubmissionPhoto", "submission__target__org__path"),
    # A message is its recipient's alone, whatever her scope: pick one of `ningguo`'s (PERSONAL).
    ("inbox", "message_id"): ("inbox.Message", "recipient__org__path"),
    # A notice or task is readable by the units it goes to: one that goes nowhere in 西山村.
    ("notices", "notice_id"): ("notices.Notice", "targets__org__path"),
    ("notices", "attachment_id"): ("notices.NoticeAttachment", "notice__targets__org__path"),
    ("notices", "task_id"): ("notices.Task", "recipients__org__path"),
    ("notices", "recipient_id"): ("notices.TaskRecipient", "org__path"),
    ("notices", "photo_id"): ("notices.TaskPhoto", "recipient__org__path"),
}
# Routes whose parameter names a record of another model than the app's entry says: the API's
# individual honours share `honour_id` with the family honours (matched by route prefix).
ROUTE_TARGETS: dict[tuple[str, str], tuple[str, str]] = {
    ("api/v1/honours/individuals/", "honour_id"): ("honours.IndividualHonour", "org__path"),
}
# Records of one person: the one picked belongs to `ningguo`, who opens it; 西山村 gets 404 for
# another person's, as everyone does (test_another_village_can_read_nothing).
PERSONAL = {"inbox.Message": "recipient__username"}
# Parameters that are not records: a fixed value that the view accepts.
FIXED = {"kind": "family", "fmt": "pdf", "action": "approve"}
# Readable from below by design: the scheme that applies to a village is its county's.
ANCESTOR_READABLE = ("/assessments/schemes/",)
# Public by design (resident intake by QR token, the meetings' public notice) or only for the
# security administrator (business users get 403 there, tested in accounts), or the Django admin,
# which holds no record of the federation: checked model by model at the end of this module.
SKIPPED_PREFIXES = ("intake/p/", "intake/r/", "meetings/notice/", "accounts/security/", "admin/")
# The security administrator's own pages (accounts' security page, the backups and drills):
# every other account, the other two administrators included, gets 403 there
# (test_only_the_security_administrator_opens_her_pages).
SECURITY_ADMIN_PAGES = ("/accounts/security/", "/backups/")
# What the admin may show the system administrator (三员分立): accounts, the org tree read-only
# (to pick an account's unit), the public-holiday calendar.
ADMIN_MODELS = {"accounts.user", "orgs.orgunit", "cases.holiday"}
# A record's stored file: 404 also when the (real) record has none, as the demo's have; their
# scope is tested with a file in the apps' tests (activities/tests/test_photo.py,
# rounds/tests/test_photos.py).
FILE_ROUTES = (
    "activities/<int:activity_id>/photo/",
    "rounds/photos/<int:photo_id>/",
    "rounds/submission-photos/<int:submission_photo_id>/",
    "notices/attachments/<int:attachment_id>/",
    "notices/tasks/photos/<int:photo_id>/",
)
# Routes of the user's own session and account (sign-in, second factor, password, language),
# the security administrator's and the Django admin's pages, the audit log and the captcha:
# no federation record, tested in accounts and audit.
# The inbox is the user's own too (her read marks, her channels): the 三员 have none (403, tested
# in jinguo/inbox/tests), and another person's message is 404 (the routes with records above).
NOT_FEDERATION_PREFIXES = (
    "accounts/",
    "admin/",
    "audit/",
    "captcha/",
    "i18n/",
    "api/schema/",
    "inbox/",
    "api/v1/inbox/",
)
WRITE_METHODS = ("post", "put", "patch", "delete")
READ_DENIED = {404, 405}
WRITE_DENIED = {403, 404, 405}
# The API validates the body before it looks up the record, so an empty POST is a 400 that says
# nothing about the record; the apps' API tests post valid bodies out of scope and get 404.
API_WRITE_DENIED = WRITE_DENIED | {400}


@dataclass(frozen=True)
class Route:
    route: str
    app: str
    params: list[str]


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def routes_with_records() -> list[Route]:
    found: dict[str, Route] = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        params = re.findall(r"<\w+:(\w+)>", route)
        if not set(params) - set(FIXED) or route.startswith(SKIPPED_PREFIXES):
            continue
        app = pattern.callback.__module__.split(".")[1]
        found.setdefault(route, Route(route, app, params))
    return list(found.values())


def routes_without_records() -> list[str]:
    """Every other URL (lists, creation pages, API collections), FIXED values filled in."""
    found: list[str] = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        params = re.findall(r"<\w+:(\w+)>", route)
        if set(params) - set(FIXED) or route.startswith(NOT_FEDERATION_PREFIXES):
            continue
        if route.startswith(SKIPPED_PREFIXES) or "(?P<" in route:
            continue
        for param in params:
            route = re.sub(rf"<\w+:{param}>", FIXED[param], route, count=1)
        if "/" + route not in found:
            found.append("/" + route)
    return found


def _target(app: str, param: str, route: str = "") -> tuple[str, str] | None:
    """The route's own entry, the app's, the shared one, or — for routes dispatched by
    common.api.api_route — the only entry with that parameter."""
    for (prefix, name), target in ROUTE_TARGETS.items():
        if name == param and route.startswith(prefix):
            return target
    found = TARGETS.get((app, param)) or TARGETS.get(("*", param))
    if found is None and app == "common":
        matches = [target for (_app, name), target in TARGETS.items() if name == param]
        found = matches[0] if len(matches) == 1 else None
    return found


DATA_MIGRATIONS = (
    "jinguo.cases.migrations.0002_default_time_limits_and_holidays",
    "jinguo.households.migrations.0003_default_categories",
    "jinguo.households.migrations.0005_category_sensitive",
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo city, loaded once for the module; afterwards the database is emptied and the
    rows the data migrations made are put back, as the tests that follow expect them."""
    with django_db_blocker.unblock():
        call_command("load_demo", villages=1, stdout=StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)
        for module in DATA_MIGRATIONS:
            import_module(module).create(apps, None)


def _pick(model_label: str, path_field: str, ningguo: OrgUnit, xishan: OrgUnit) -> Model | None:
    """A record of 宁国市 that 西山村 does not contain ("path:grid": an OrgUnit of that kind)."""
    model = apps.get_model(model_label)
    path_field, _sep, kind = path_field.partition(":")
    records = model.objects.filter(kind=kind) if kind else model.objects.all()
    if model_label in PERSONAL:
        records = records.filter(**{PERSONAL[model_label]: "ningguo"})
    return (
        records.filter(**{f"{path_field}__startswith": ningguo.path})
        .exclude(**{f"{path_field}__startswith": xishan.path})
        .order_by("pk")
        .first()
    )


def _url(route: Route, ningguo: OrgUnit, xishan: OrgUnit) -> str | None:
    url = route.route
    for param in route.params:
        if param in FIXED and not _target(route.app, param):
            value: Any = FIXED[param]
        else:
            target = _target(route.app, param, route.route)
            assert target, f"{route.route}: add ({route.app!r}, {param!r}) to TARGETS"
            record = _pick(*target, ningguo, xishan)
            if record is None:
                return None
            # A model picked by label at run time: only the voucher model has `voucher`.
            value = record.voucher if param == "code" else record.pk  # type: ignore[attr-defined]
        url = re.sub(rf"<\w+:{param}>", str(value), url, count=1)
    return "/" + url


@pytest.fixture(scope="module")
def urls(demo, django_db_blocker) -> list[tuple[Route, str]]:
    with django_db_blocker.unblock():
        ningguo = OrgUnit.objects.get(name="宁国市")
        xishan = OrgUnit.objects.get(name="西山村")
        _a_message_for(User.objects.get(username="ningguo"))
        built = [(route, _url(route, ningguo, xishan)) for route in routes_with_records()]
    return [(route, url) for route, url in built if url is not None]


def _a_message_for(user: User) -> None:
    """The demo may send her none: one of her own, linked to her home page."""
    from jinguo.inbox.services import Outgoing, messages_send

    messages_send(
        kind="system", source="matrix", outgoing=[Outgoing(user.pk, "矩阵测试", link="/")]
    )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
def test_every_route_with_a_record_is_in_the_matrix(urls):
    assert len(urls) > 150


@pytest.mark.django_db
def test_another_village_can_read_nothing(urls):
    client = _client("xishan")
    leaks = []
    for _route, url in urls:
        if url.startswith(ANCESTOR_READABLE):
            continue
        status = client.get(url).status_code
        if status not in READ_DENIED:
            leaks.append((url, status))
    assert leaks == []


def _page_denied(method: str) -> set[int]:
    """A page writes only on POST; a page view that does not restrict its methods answers PUT,
    PATCH and DELETE as a GET (200, nothing written: the table checksums say so)."""
    return WRITE_DENIED if method == "post" else WRITE_DENIED | {200}


def _write(client: Client, method: str, url: str) -> int:
    if method == "post":
        return client.post(url, {}).status_code
    return getattr(client, method)(url, {}, content_type="application/json").status_code


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["xishan", "leader", "sysadmin", "secadmin", "auditor"])
def test_another_village_a_leader_and_the_administrators_can_change_nothing(urls, username):
    """Every write method on every record of 宁国市 outside 西山村; for the leader and the 三员,
    who may write nowhere, on every other URL as well (creating a record included)."""
    client = _client(username)
    targets = [url for _route, url in urls]
    if username != "xishan":
        targets += routes_without_records()
    before, last_event = table_checksums(), AuditEvent.objects.latest("pk").pk
    allowed = []
    for url in targets:
        api = url.startswith("/api/")
        for method in WRITE_METHODS:
            status = _write(client, method, url)
            if status not in (API_WRITE_DENIED if api else _page_denied(method)):
                allowed.append((method, url, status))
    changed = [name for name, sums in table_checksums().items() if before.get(name) != sums]
    audited = AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True)
    assert allowed == [], allowed
    assert [name for name in changed if name != AuditEvent._meta.db_table] == []
    assert set(audited) <= {"access.denied", "access.throttled"}


@pytest.mark.django_db
def test_the_county_cadre_can_open_the_records_picked(urls):
    client = _client("ningguo")
    missing = []
    for route, url in urls:
        if route.route in FILE_ROUTES:
            continue
        if len(route.params) == 1 and client.get(url).status_code == 404:
            missing.append(url)
    assert missing == []


def _admin_urls_of_every_record_kind() -> Iterator[tuple[str, str]]:
    """(model, URL): the admin list and the change page of one demo row of every project model."""
    for model in apps.get_models():
        meta = model._meta
        if not model.__module__.startswith("jinguo."):
            continue
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        yield meta.label_lower, base
        yield meta.label_lower, f"{base}{row.pk}/change/"


@pytest.mark.django_db
def test_the_system_administrator_opens_no_federation_record_in_the_admin(demo):
    client = _client("sysadmin")
    opened = {
        label
        for label, url in _admin_urls_of_every_record_kind()
        if client.get(url).status_code == 200
    }
    assert opened == ADMIN_MODELS


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["xishan", "leader", "ningguo"])
def test_business_users_open_nothing_in_the_admin(demo, username):
    client = _client(username)
    opened = [
        url
        for _label, url in _admin_urls_of_every_record_kind()
        if client.get(url).status_code == 200
    ]
    assert client.get("/admin/").status_code != 200
    assert opened == []


@pytest.mark.django_db
def test_every_page_of_the_matrix_carries_the_security_policies(urls):
    """Content-Security-Policy and Permissions-Policy (item 11 of issue 20) on every record page,
    for the cadre who sees it and for the village that is refused it, and the response's nonce
    on every inline script (test_security_headers.assert_protected)."""
    from jinguo.common.tests.test_security_headers import assert_protected

    for username in ("ningguo", "xishan"):
        client = _client(username)
        for route, url in urls:
            if route.route in FILE_ROUTES:
                continue
            assert_protected(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["wushan", "xishan", "ningguo", "leader", "sysadmin", "auditor", "secadmin"]
)
def test_only_the_security_administrator_opens_her_pages(demo, username):
    client = _client(username)
    statuses = {url: client.get(url).status_code for url in SECURITY_ADMIN_PAGES}
    expected = 200 if username == "secadmin" else 403
    assert statuses == dict.fromkeys(SECURITY_ADMIN_PAGES, expected)
