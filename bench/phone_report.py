"""bench/phone.py's figures and what it prints: the runs' steps, their medians, each figure
against the floor and the issue's goal (issue 25, section 4), where the bytes and the time go.
No browser here: the figures are plain data."""

import statistics
from dataclasses import dataclass, field
from urllib.parse import urlsplit

GRID_MEMBER = "wushan"

# The goals: ms for times, bytes for sizes.
FIRST_MS, AGAIN_MS, JOURNEY_MS = 2000, 1000, 10_000
AGAIN_BYTES, APP_BYTES = 30_000, 400_000
SIGN_IN = "sign-in, empty cache (login + home)"


@dataclass
class Resource:
    url: str = ""
    kind: str = ""
    encoding: str = ""
    encoded: int = 0  # bytes on the wire, headers included
    decoded: int = 0  # bytes of the body once decompressed


@dataclass
class Step:
    """One page: ms until usable, until loaded (or its charts drawn), bytes, requests."""

    usable: float
    load: float
    bytes: int
    requests: int
    resources: list[Resource] = field(default_factory=list)
    landed: str = ""
    # The document's navigation timing, ms from the navigation's start: first byte, last byte,
    # DOM interactive (parsed, its synchronous scripts run), DOMContentLoaded handlers done.
    phases: list[float] = field(default_factory=list)
    worker_bytes: int = 0  # of `bytes`, fetched by a service worker for itself


@dataclass
class Journey:
    """The three taps from home to saved and back on home: each tap's wait."""

    form: Step
    channel: float
    saved: Step
    back: Step | None

    @property
    def waiting(self) -> float:
        back = self.back.usable if self.back else 0.0
        return self.form.usable + self.channel + self.saved.usable + back


@dataclass
class Figures:
    """Each measure's runs, by label."""

    steps: dict[str, list[Step]] = field(default_factory=dict)
    journeys: list[Journey] = field(default_factory=list)

    def add(self, label: str, step: Step) -> None:
        self.steps.setdefault(label, []).append(step)


def median_step(steps: list[Step]) -> Step:
    ordered = sorted(steps, key=lambda s: s.usable)
    middle = ordered[len(ordered) // 2]
    return Step(
        statistics.median(s.usable for s in steps),
        statistics.median(s.load for s in steps),
        round(statistics.median(s.bytes for s in steps)),
        round(statistics.median(s.requests for s in steps)),
        middle.resources,
        middle.landed,
        middle.phases,
        round(statistics.median(s.worker_bytes for s in steps)),
    )


def _verdict(value: float, goal: float) -> str:
    return "pass" if value < goal else "FAIL"


def _kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB"


GOALS: dict[str, tuple[float | None, float | None]] = {
    # label: (usable goal ms, bytes goal)
    SIGN_IN: (None, APP_BYTES),
    "home, empty cache": (FIRST_MS, None),
    "home, again": (AGAIN_MS, AGAIN_BYTES),
    "dashboard, empty cache": (FIRST_MS, None),
    "dashboard, after sign-in": (FIRST_MS, None),
    "dashboard, again": (AGAIN_MS, AGAIN_BYTES),
}


def report_steps(who: str, figures: Figures, floor: float) -> list[str]:
    lines = []
    for label, steps in figures.steps.items():
        step = median_step(steps)
        time_goal, bytes_goal = GOALS.get(label, (None, None))
        line = (
            f"{who:8} {label:38} usable {step.usable:6.0f} ms {step.usable / floor:5.1f} ×"
            f"  load {step.load:6.0f} ms {step.load / floor:5.1f} ×"
            f"  {_kb(step.bytes):>10} in {step.requests:2} requests"
        )
        if step.worker_bytes:
            line += f" (service worker {_kb(step.worker_bytes)})"
        goals = []
        if time_goal is not None:
            goals.append(f"< {time_goal:.0f} ms {_verdict(step.usable, time_goal)}")
        if bytes_goal is not None:
            goals.append(f"< {_kb(bytes_goal)} {_verdict(step.bytes, bytes_goal)}")
        lines.append(line + ("  goal " + ", ".join(goals) if goals else ""))
    return lines


def report_journeys(journeys: list[Journey], floor: float) -> list[str]:
    waiting = statistics.median(j.waiting for j in journeys)
    middle = sorted(journeys, key=lambda j: j.waiting)[len(journeys) // 2]
    landed = urlsplit(middle.saved.landed).path
    parts = [
        f"«走访» → form {middle.form.usable:.0f} ms ({_kb(middle.form.bytes)})",
        f"«入户» {middle.channel:.0f} ms",
        f"«保存» → {landed} {middle.saved.usable:.0f} ms ({_kb(middle.saved.bytes)})",
    ]
    if middle.back is not None:
        parts.append(f"back to / {middle.back.usable:.0f} ms ({_kb(middle.back.bytes)})")
    return [
        f"{GRID_MEMBER:8} three taps, home → saved → home: waiting {waiting:.0f} ms "
        f"{waiting / floor:.1f} × the floor  goal < {JOURNEY_MS} ms "
        f"{_verdict(waiting, JOURNEY_MS)}",
        "         (median run: " + "; ".join(parts) + ")",
    ]


def report_phases(who: str, figures: Figures) -> list[str]:
    lines = []
    for label, steps in figures.steps.items():
        phases = median_step(steps).phases
        if len(phases) == 4:
            first, last, interactive, loaded = phases
            lines.append(
                f"{who:8} {label:38} first byte {first:5.0f}  last byte {last:5.0f}  "
                f"DOM interactive {interactive:5.0f}  DOMContentLoaded done {loaded:5.0f} ms"
            )
    return lines


def report_resources(title: str, step: Step) -> list[str]:
    lines = [f"\n### What {title} transferred ({_kb(step.bytes)}):"]
    for r in step.resources:
        if not r.encoded:
            continue
        name = urlsplit(r.url).path
        lines.append(
            f"  {_kb(r.encoded):>10}  {r.encoding or 'identity':8} "
            f"(body {_kb(r.decoded):>10})  {r.kind:10} {name}"
        )
    return lines


def report(setting: str, floor: float, member: Figures, cadres: dict[str, Figures]) -> list[str]:
    """The printed figures: each against the floor and its goal, then where time and bytes go."""
    first_cadre = next(iter(cadres))
    lines = [
        f"\n## Phone on a weak network ({setting})",
        f"floor: /bench/bare/ navigated to under the same throttling, {floor:.0f} ms",
        *report_steps(GRID_MEMBER, member, floor),
        *report_journeys(member.journeys, floor),
    ]
    for name, figures in cadres.items():
        lines += report_steps(name, figures, floor)
    lines.append(
        "\n### Where the time goes (the median run's navigation timing, ms from its start;"
        " sign-in: sending the form and showing home)"
    )
    lines += report_phases(GRID_MEMBER, member)
    for name, figures in cadres.items():
        lines += report_phases(name, figures)
    lines += report_resources(
        f"{GRID_MEMBER}'s home with an empty cache", median_step(member.steps["home, empty cache"])
    )
    lines += report_resources(
        f"{GRID_MEMBER}'s home again", median_step(member.steps["home, again"])
    )
    lines += report_resources(
        f"{first_cadre}'s dashboard with an empty cache",
        median_step(cadres[first_cadre].steps["dashboard, empty cache"]),
    )
    return lines + checks([member, *cadres.values()])


def checks(all_figures: list[Figures]) -> list[str]:
    """Static files that crossed the network uncompressed; pages that loaded ECharts."""
    seen: dict[str, Resource] = {}
    echarts: set[str] = set()
    for figures in all_figures:
        steps = [s for ss in figures.steps.values() for s in ss]
        steps += [s for j in figures.journeys for s in (j.form, j.saved, j.back) if s]
        for step in steps:
            for r in step.resources:
                path = urlsplit(r.url).path
                if r.encoded:
                    seen[path] = r
                if "echarts" in path:
                    echarts.add(urlsplit(step.landed).path)
    plain = [
        f"{path} ({_kb(r.encoded)})"
        for path, r in sorted(seen.items())
        if path.startswith("/static/") and not r.encoding and r.decoded > 1000
    ]
    return [
        "\nStatic files over 1 KB sent uncompressed: " + (", ".join(plain) or "none"),
        "Pages that loaded ECharts: " + (", ".join(sorted(echarts)) or "none"),
    ]
