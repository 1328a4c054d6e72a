"""Browser journeys: Debian's Chromium (/usr/bin/chromium) driven by Playwright against
pytest-django's live server, which also serves the static files (django.contrib.staticfiles is
installed), so the pages are styled as in production.

The live server answers from another thread, so these tests use transactional_db: the data the
test writes is committed, and every table is emptied when the test ends. pytest-django runs
transactional tests after the others, and `scene` puts back what the migrations seed.
"""

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.core.signals import request_finished, request_started
from django.test.testcases import LiveServerThread
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import PASSWORD
from jinguo.cases.services import case_report
from jinguo.cases.tests.factories import closed
from jinguo.households.assignments import grid_assign, household_assign
from jinguo.households.models import Category
from jinguo.households.services import household_set_categories
from jinguo.households.tests.factories import household, person
from jinguo.visits.models import Visit

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google's services, and the
# closed network here refuses those connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# Generous: two test workers and other jobs share two cores, and a wait ends as soon as the page
# is ready; only a broken page waits the whole time.
TIMEOUT_MS = 30_000
SEEDING_MIGRATIONS = (
    "jinguo.households.migrations.0003_default_categories",
    "jinguo.cases.migrations.0002_default_time_limits_and_holidays",
)


class SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time. SQLite's test database lives in memory
    with a shared cache, which refuses a second writer at once ("database table is locked")
    rather than waiting; every signed-in request writes its session, and a page asks several
    things at once (the offline worker, its households, htmx). Served in turn, none is refused.
    """

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # the server's thread already uses those connections


class _InFlight:
    """Requests the live server is answering. A test's end empties the tables (flush), which
    SQLite refuses while the server thread still reads them for a request the page started
    last (the offline worker's precache, its households): the teardown waits for those."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def started(self, **kwargs: Any) -> None:
        if _served_by_live_server():
            with self.lock:
                self.count += 1

    def finished(self, **kwargs: Any) -> None:
        # Connected after Django's close_old_connections: the server's connection is closed.
        if _served_by_live_server():
            with self.lock:
                self.count = max(0, self.count - 1)

    def wait(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while self.count > 0 and time.monotonic() < deadline:
            time.sleep(0.02)


def _served_by_live_server() -> bool:
    """The test Client sends the same signals from the test's own thread (and none at the end
    of a request whose exception it raises): only the live server's requests are counted."""
    return isinstance(threading.current_thread(), LiveServerThread)


IN_FLIGHT = _InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="browser-in-flight-started")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="browser-in-flight-finished")


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", SerialWSGIServer)
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keeps the test's own outcome on the item, so open_page can screenshot a failure."""
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Any]:
    """Chromium for one module's tests, started once the test database exists.

    Playwright's sync API keeps an asyncio loop running on the test thread, and Django then
    refuses the test's ORM calls as if they came from async code. They are synchronous and
    single-threaded, so the guard is lifted while Playwright runs, and only then: hence one
    module, not the whole session, whose later tests keep the guard."""
    # A missing browser is a broken machine, not a reason to skip: `make install` installs it.
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` as root (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """open_page(**context options) → a new page in a fresh browser context (its own cookies),
    relative URLs resolved against the live server."""
    contexts = []

    def _open(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _open
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:  # what the page showed when the test failed
            for page in context.pages:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                path = SCREENSHOTS / f"{request.node.name}-failed-{number}.png"
                page.screenshot(path=str(path), full_page=True)
        context.close()
    IN_FLIGHT.wait()


@pytest.fixture
def sign_in() -> Callable[[Any, User], None]:
    """sign_in(page, user): through the real login form, with the cast's password."""

    def _sign_in(page: Any, user: User) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return _sign_in


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """shoot(page, step) saves a full-page screenshot to var/screenshots/<test>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page: Any, step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


@pytest.fixture
def scene(tree, cast, people) -> SimpleNamespace:
    """A compact Songhe on the root cast.

    巫山组网格 (wushan_member = 汪秀兰): WS-001 王小红 (低保, 包保 汪秀兰), WS-002 李梅
    港口一组网格: GK-005 陈静 (another grid: wushan_member does not see it)
    This year: one visit to WS-002, one dispute of 巫山组网格 closed; one dispute reported at
    巫山组网格 by wushan_member, waiting for the community to accept it.
    """
    for module in SEEDING_MIGRATIONS:  # emptied by an earlier transactional test
        import_module(module).create(apps, None)
    # The dashboard caches figures by unit id for 60 s: an earlier test's unit may have had it.
    cache.clear()
    s = SimpleNamespace()
    s.ws1 = household(tree.wushan, "WS-001", head=person(tree.wushan, "王小红"))
    s.ws2 = household(tree.wushan, "WS-002", head=person(tree.wushan, "李梅"))
    s.gk5 = household(tree.gangkou_grid, "GK-005", head=person(tree.gangkou_grid, "陈静"))
    start = dt.date(2025, 1, 1)
    grid_assign(actor=None, executive=people.wushan_exec, grid=tree.wushan, start_date=start)
    household_assign(actor=None, household=s.ws1, executive=people.wushan_exec, start_date=start)
    dibao = Category.objects.get(code="dibao")
    household_set_categories(actor=None, household=s.ws1, categories=[dibao])
    Visit.objects.create(
        household=s.ws2,
        visited_by=cast.wushan_member,
        executive=people.wushan_exec,
        org=tree.wushan,
        channel="home",
        visited_on=timezone.localdate().replace(month=1, day=1),
    )
    s.earlier_case = closed(tree.wushan, people.wushan_exec)
    s.case = case_report(
        actor=cast.wushan_member,
        org=tree.wushan,
        kind="dispute_neighbour",
        title="李梅家与邻居宅基地纠纷",
        household=s.ws2,
    )
    return s
