"""A phone on a weak network (issue 25, section 4): the demo as production serves it, driven by
Chromium with its network and CPU throttled.

    .venv/bin/python -m bench.phone [--repeat 3] [--workers 3] [--port 0] [--identity]
        [--no-gzip-pages] [--block-service-workers]

A fresh SQLite demo (`jinguo migrate` and `jinguo load_demo`, as `make demo` does) in a temporary
directory, static files collected there by whitenoise's CompressedManifestStaticFilesStorage
(bench/phone_settings.py: hashed, gzip-compressed, cached immutably), gunicorn on a free loopback
port with DEBUG off. Chromium (/usr/bin/chromium, through Playwright) at 390×844, throttled
through the DevTools protocol: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip
(Network.emulateNetworkConditions), CPU 4× slower (Emulation.setCPUThrottlingRate).

Measured, each the median of `--repeat` runs:
- the grid member (`wushan`): signing in with an empty cache (the login page, then the form
  sent and her home shown: "first visit of the app in all"); her home with an empty cache and
  again with a warm one (usable = DOMContentLoaded and the first household's «走访» visible;
  load = the load event); the three-tap visit: «走访» on a household of home, the channel
  «入户», «保存», back on home: the time spent waiting for pages, not thinking;
- two cadres (`songhe`, community; `helixi`, township): signing in, then the dashboard
  (/dashboard/) with an empty cache and again with a warm one (usable = DOMContentLoaded and its
  heading visible; charts = the trend chart drawn).
Bytes are what crossed the network for a page: the sum of Network.loadingFinished's
encodedDataLength (headers included) from the navigation until the network is idle.

The floor, in the same run under the same throttling: navigating to /bench/bare/ (a view that
answers "ok" through the same middleware and session). Every time is printed in ms and as a
ratio to it, with the issue's goal beside it. Never part of the test suite: it measures this
machine.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    CDPSession,
    Locator,
    Page,
    Request,
    sync_playwright,
)

from bench.phone_report import (  # noqa: E402
    GRID_MEMBER,
    SIGN_IN,
    Figures,
    Journey,
    Resource,
    Step,
    report,
)
from bench.run import start_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # jinguo/common/tests/browser/conftest.py's
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
NETWORK = {
    "offline": False,
    "latency": 150,  # ms, round trip
    "downloadThroughput": 1.6e6 / 8,  # bytes/s
    "uploadThroughput": 750e3 / 8,
}
CPU_SLOWDOWN = 4
PASSWORD = "Jinguo@2026"  # noqa: S105 (every demo account's, jinguo load_demo)
CADRES = ("songhe", "helixi")
TIMEOUT_MS = 60_000
IDENTITY = False  # --identity: the browser asks for no compression
SERVICE_WORKERS: Literal["allow", "block"] = "allow"  # --block-service-workers: "block"
WORKERS_SEEN: set[str] = set()  # service workers registered during the run
WORKERS_THROTTLED: list[str] = []  # service workers the pages' DevTools sessions throttled


@dataclass
class Meter:
    """What crossed the network, from the page's DevTools session; and what a service worker
    fetched for itself (a precache, say), which no page's session sees: from Playwright's
    requests of the context, made by a worker."""

    cdp: CDPSession
    context: BrowserContext
    resources: dict[str, Resource] = field(default_factory=dict)
    by_workers: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.context.on("requestfinished", self._worker_request)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _get(self, request_id: str) -> Resource:
        return self.resources.setdefault(request_id, Resource())

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        resource = self._get(event["requestId"])
        resource.url = response["url"]
        resource.kind = event.get("type", "")
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        resource.encoding = headers.get("content-encoding", "")

    def _data(self, event: dict[str, Any]) -> None:
        self._get(event["requestId"]).decoded += event["dataLength"]

    def _finished(self, event: dict[str, Any]) -> None:
        self._get(event["requestId"]).encoded = int(event["encodedDataLength"])

    def _worker_request(self, request: Request) -> None:
        if request.service_worker is not None:
            self.by_workers.append(request)

    def reset(self) -> None:
        self.resources = {}
        self.by_workers = []

    def worker_bytes(self) -> int:
        sizes = [r.sizes() for r in self.by_workers]
        return sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)

    def total(self) -> int:
        return sum(r.encoded for r in self.resources.values())

    def requests(self) -> int:
        return sum(1 for r in self.resources.values() if r.encoded)


# Once a page has registered a service worker, until it is installed (its precache fetched).
WORKER_READY = """async () => {
  const registration = navigator.serviceWorker && await navigator.serviceWorker.getRegistration();
  if (registration) { await navigator.serviceWorker.ready; }
}"""
NAVIGATION_TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return n ? [n.responseStart, n.responseEnd, n.domInteractive, n.domContentLoadedEventEnd] : [];
}"""


def throttled(context: BrowserContext) -> tuple[Page, Meter]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    throttle_workers(cdp)
    return page, Meter(cdp, context)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def timed(
    page: Page,
    meter: Meter,
    go: Callable[[], Any],
    ready: Callable[[Page], Locator],
    loaded: Callable[[Page], None] | None = None,
) -> Step:
    """`go` navigates (and returns once DOMContentLoaded fired); usable when `ready` is also
    visible; loaded at the load event (or when `loaded` returns); bytes once the network is
    idle (htmx's requests on load included)."""
    meter.reset()
    started = time.perf_counter()
    go()
    ready(page).first.wait_for(state="visible")
    usable = _ms(started)
    page.wait_for_load_state("load")
    if loaded is not None:
        loaded(page)
    load = _ms(started)
    page.wait_for_load_state("networkidle")
    page.evaluate(WORKER_READY)  # its precache belongs to this page's bytes
    resources = sorted(meter.resources.values(), key=lambda r: -r.encoded)
    phases = [float(v) for v in page.evaluate(NAVIGATION_TIMING)]
    worker = meter.worker_bytes()
    return Step(
        usable,
        load,
        meter.total() + worker,
        meter.requests() + len(meter.by_workers),
        resources,
        page.url,
        phases,
        worker,
    )


def goto(page: Page, path: str) -> Callable[[], Any]:
    return lambda: page.goto(path, wait_until="domcontentloaded")


def tap(page: Page, target: Locator) -> Callable[[], Any]:
    def go() -> None:
        with page.expect_navigation(wait_until="domcontentloaded"):
            target.first.click()

    return go


def main_content(page: Page) -> Locator:
    return page.locator("main h1, main h2")


def visit_button(page: Page) -> Locator:
    """«走访» on a household of the grid member's home (a link or a button, in a list row or a
    card: whatever carries data-household)."""
    cards = page.locator("[data-household]")
    return cards.get_by_role("link", name="走访", exact=True).or_(
        cards.get_by_role("button", name="走访", exact=True)
    )


def save_button(page: Page) -> Locator:
    return page.locator("main form button[type=submit]").filter(has_text="保存")


def charts_drawn(page: Page) -> None:
    page.locator("#chart-trend canvas, #chart-trend svg").first.wait_for(state="attached")


def sign_in(page: Page, meter: Meter, username: str, home_ready: Callable[[Page], Locator]) -> Step:
    """The login page with whatever the cache holds, then the form sent and home shown: one
    Step whose usable is the sum of both pages' waits (typing not counted), bytes both pages'."""
    login = timed(page, meter, goto(page, "/accounts/login/"), lambda p: p.locator("#id_username"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    home = timed(page, meter, tap(page, page.locator("main form button[type=submit]")), home_ready)
    if urlsplit(home.landed).path != "/":
        raise SystemExit(f"{username} landed on {home.landed} after signing in")
    return Step(
        login.usable + home.usable,
        login.usable + home.load,
        login.bytes + home.bytes,
        login.requests + home.requests,
        login.resources + home.resources,
        home.landed,
        home.phases,  # sending the form and showing home
        login.worker_bytes + home.worker_bytes,
    )


def empty_cache(page: Page, meter: Meter) -> None:
    """The HTTP cache emptied, and a service worker's caches and registration too (a worker
    would otherwise answer from its own cache); the cookies kept (she stays signed in)."""
    url = urlsplit(page.url)
    origin = f"{url.scheme}://{url.netloc}"
    kinds = "cache_storage,service_workers"
    meter.cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": kinds})
    meter.cdp.send("Network.clearBrowserCache")
    page.goto("about:blank")


def three_taps(page: Page, meter: Meter) -> Journey:
    form = timed(page, meter, tap(page, visit_button(page)), lambda p: p.get_by_text("入户"))
    started = time.perf_counter()
    page.get_by_text("入户", exact=True).first.click()
    radio = page.get_by_label("入户", exact=True)
    if radio.count():
        radio.first.wait_for(state="attached")
        if not radio.first.is_checked():
            raise SystemExit("tapping 入户 did not choose it")
    channel = _ms(started)
    saved = timed(page, meter, tap(page, save_button(page)), main_content)
    back = None
    if urlsplit(saved.landed).path != "/":  # today: the visits list; back home is a 4th wait
        back = timed(page, meter, goto(page, "/"), visit_button)
    return Journey(form, channel, saved, back)


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    context = browser.new_context(base_url=base_url, service_workers=SERVICE_WORKERS, **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.on("serviceworker", lambda worker: WORKERS_SEEN.add(urlsplit(worker.url).path))
    if IDENTITY:
        context.set_extra_http_headers({"Accept-Encoding": "identity"})
    return context


def measure_floor(browser: Browser, base_url: str, repeat: int) -> float:
    context = new_context(browser, base_url)
    page, meter = throttled(context)
    times = []
    for _ in range(repeat + 1):
        step = timed(page, meter, goto(page, "/bench/bare/"), lambda p: p.locator("body"))
        times.append(step.usable)
    context.close()
    return statistics.median(times[1:])  # the first also starts the browser's network service


def measure_grid_member(browser: Browser, base_url: str, repeat: int) -> Figures:
    figures = Figures()
    for _ in range(repeat):
        context = new_context(browser, base_url)
        page, meter = throttled(context)
        figures.add(SIGN_IN, sign_in(page, meter, GRID_MEMBER, visit_button))
        empty_cache(page, meter)
        figures.add("home, empty cache", timed(page, meter, goto(page, "/"), visit_button))
        figures.add("home, again", timed(page, meter, goto(page, "/"), visit_button))
        figures.journeys.append(three_taps(page, meter))
        context.close()
    return figures


def measure_cadre(browser: Browser, base_url: str, username: str, repeat: int) -> Figures:
    figures = Figures()
    for _ in range(repeat):
        context = new_context(browser, base_url)
        page, meter = throttled(context)
        figures.add(SIGN_IN, sign_in(page, meter, username, main_content))
        go = goto(page, "/dashboard/")
        figures.add("dashboard, after sign-in", timed(page, meter, go, main_content, charts_drawn))
        figures.add("dashboard, again", timed(page, meter, go, main_content, charts_drawn))
        # What ECharts costs a warm visit: the same with its request blocked, so that the
        # page's script draws nothing (blocked through DevTools: Playwright's routing would
        # turn the cache off).
        meter.cdp.send("Network.setBlockedURLs", {"urls": ["*echarts*"]})
        figures.add("dashboard, again, no ECharts", timed(page, meter, go, main_content))
        meter.cdp.send("Network.setBlockedURLs", {"urls": []})
        empty_cache(page, meter)
        figures.add("dashboard, empty cache", timed(page, meter, go, main_content, charts_drawn))
        context.close()
    return figures


@contextmanager
def demo_server(workers: int, port: int, *, gzip_pages: bool) -> Iterator[str]:
    """A fresh demo database and collected static files in a temporary directory, gunicorn
    serving them with bench/phone_settings.py; the base URL."""
    work = Path(tempfile.mkdtemp(prefix="bench-phone-"))
    url = f"sqlite:///{work / 'demo.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "JINGUO_STATIC_ROOT": str(work / "static")}
    env["PYTHONPATH"] = str(ROOT)  # this tree's jinguo and bench, whatever the venv installed
    env["JINGUO_LOG_LEVEL"] = env.get("JINGUO_LOG_LEVEL", "WARNING")
    env["BENCH_GZIP_PAGES"] = "1" if gzip_pages else "0"
    jinguo = str(Path(sys.executable).with_name("jinguo"))
    try:
        started = time.perf_counter()
        # load_demo refuses to run with DEBUG off, as `make demo` runs it.
        demo = {**env, "DJANGO_SETTINGS_MODULE": "config.settings", "JINGUO_DEBUG": "true"}
        for command in (["migrate", "--verbosity", "0"], ["load_demo"]):
            subprocess.run(  # noqa: S603 (our own command)
                [jinguo, *command], cwd=ROOT, env=demo, check=True, stdout=subprocess.DEVNULL
            )
        served = {**env, "DJANGO_SETTINGS_MODULE": "bench.phone_settings"}
        subprocess.run(  # noqa: S603 (our own command)
            [jinguo, "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=served,
            check=True,
        )
        print(f"demo database and static files ready in {time.perf_counter() - started:.0f} s")
        port = port or _free_port()
        server = start_server(port, workers, url, env=served)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.phone", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    parser.add_argument(
        "--identity",
        action="store_true",
        help="the browser accepts no compression (Accept-Encoding: identity): what a server "
        "sends that compresses nothing, as the documented nginx did before `gzip_static on`",
    )
    parser.add_argument(
        "--block-service-workers",
        action="store_true",
        help="the pages may not register a service worker (whose own fetches this bench "
        "neither throttles nor counts)",
    )
    parser.add_argument(
        "--no-gzip-pages",
        dest="gzip_pages",
        action="store_false",
        help="pages as gunicorn answers them, uncompressed (default: gzip-compressed, as nginx's "
        "`gzip on` in front of it does)",
    )
    return parser.parse_args(argv)


def throttle_workers(cdp: CDPSession) -> None:
    """Service workers throttled as the page: its DevTools session attaches to each worker the
    page starts (held until then) and sets the same network conditions in it before letting it
    run, so that the worker's own fetches (a precache, the pages it answers from the network)
    wait as the page's would."""

    def send(session: str, number: int, method: str, params: dict[str, Any]) -> None:
        message = json.dumps({"id": number, "method": method, "params": params})
        cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})

    def attached(event: dict[str, Any]) -> None:
        session = event["sessionId"]
        if event["targetInfo"]["type"] == "service_worker":
            WORKERS_THROTTLED.append(event["targetInfo"]["url"])
            send(session, 1, "Network.enable", {})
            send(session, 2, "Network.emulateNetworkConditions", NETWORK)
        send(session, 3, "Runtime.runIfWaitingForDebugger", {})

    cdp.on("Target.attachedToTarget", attached)
    cdp.send(
        "Target.setAutoAttach",
        {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False},
    )


def main(argv: list[str]) -> None:
    global IDENTITY, SERVICE_WORKERS  # switches for the whole run
    args = parse_args(argv)
    IDENTITY = args.identity
    SERVICE_WORKERS = "block" if args.block_service_workers else "allow"
    server = demo_server(args.workers, args.port, gzip_pages=args.gzip_pages)
    with server as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        floor = measure_floor(browser, base_url, max(args.repeat, 3))
        member = measure_grid_member(browser, base_url, args.repeat)
        cadres = {name: measure_cadre(browser, base_url, name, args.repeat) for name in CADRES}
        browser.close()
    setting = (
        f"Chromium {NETWORK['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s down, "
        f"{NETWORK['uploadThroughput'] * 8 / 1e3:.0f} kbit/s up, {NETWORK['latency']} ms round "
        f"trip, CPU {CPU_SLOWDOWN}× slower, 390×844; gunicorn {args.workers} sync workers, DEBUG "
        f"off, whitenoise, pages {'gzip-compressed' if args.gzip_pages else 'uncompressed'}"
        f"{'; the browser accepting no compression' if args.identity else ''}; "
        f"median of {args.repeat}"
    )
    lines = report(setting, floor, member, cadres)
    if WORKERS_SEEN or WORKERS_THROTTLED:
        lines.append(
            f"Service workers registered: {', '.join(sorted(WORKERS_SEEN))}, throttled as the "
            f"pages {len(WORKERS_THROTTLED)} times (once a start); their own fetches are counted "
            "in the bytes of the page they served; --block-service-workers: without them"
        )
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
