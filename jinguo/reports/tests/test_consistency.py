"""Issue 21: the figures agree with each other and with the lists they link to — on the demo
(Songhe's chair and the county cadre) and on generated data at town scale. A cadre who finds one
wrong number stops trusting every number, so each rule below is one a reader would check.

Each figure that counts records must equal the count of the list it links to; the figures that
are sums, rates or averages (NOT_COUNTS) are checked by the rules between figures instead."""

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.demo.generate.run import generate
from jinguo.reports.sections import dashboard_sections

# Figures that are not the number of rows of the list they link to, and why.
NOT_COUNTS = {
    "coverage.on_time_rate": "a rate",
    "cases.resolved_rate": "a rate",
    "cases.satisfaction": "an average",
    "meetings.implementation_rate": "a rate",
    "activities.person_times": "a sum of participants over the listed activities",
    "activities.service_hours": "a sum of hours",
    "trainings.hours": "a sum of hours over the listed sessions",
    "trainings.trainee_hours": "a sum of hours over the listed attendances",
    "trainings.executives_trained": "a rate; its list shows the untrained",
    "points.approved": "a sum of points",
    "points.redeemed": "a sum of points",
    "points.items": "a sum of quantities over the listed redemptions",
    "employment.loans_amount": "a sum of yuan",
    "employment.fair_openings": "a sum of openings over the listed posts",
    "employment.fair_visitors": "a sum over the listed fairs",
    "employment.fair_intents": "a sum over the listed fairs",
    "allowances.amount": "a sum of yuan",
    "allowances.duty_days": "a sum of days",
    "sanxin.workers_declared": "a sum of declared head counts",
    "sanxin.women_declared": "a sum of declared head counts",
}
NOT_COUNT_PREFIXES = {"sanxin.target.": "progress toward a target, in per cent"}


def listed_count(context: Any) -> int | None:
    """How many records a list page shows in all: its paginator's count, its rows, or (the
    overdue page) its total."""
    if context is None:
        return None
    if "page" in context and hasattr(context["page"], "paginator"):
        return int(context["page"].paginator.count)
    if "rows" in context:
        return len(context["rows"])
    if "counts" in context and hasattr(context["counts"], "total"):
        return int(context["counts"].total)
    return None


def figure_values(user: User, org: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    sections = dashboard_sections(user=user, org=org, start=start, end=end)
    return {f.key: f for s in sections for f in s.figures}


def list_disagreements(client: Any, figures: dict[str, Any]) -> list[str]:
    found = []
    for key, figure in figures.items():
        if key in NOT_COUNTS or key.startswith(tuple(NOT_COUNT_PREFIXES)) or not figure.url:
            continue
        response = client.get(figure.url)
        count = listed_count(response.context)
        if response.status_code != 200 or count != figure.value:
            found.append(f"{key}={figure.value} but {figure.url} lists {count}")
    return found


def _sum(values: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in values.items() if k.startswith(prefix))


# (description, rule over the figure values); a rule whose figures are absent is skipped.
RULES: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    (
        "no training session ⇒ no person-times, trainees or hours",
        lambda v: v["trainings.sessions"] > 0
        or v["trainings.person_times"] == v["trainings.trainees"] == v["trainings.hours"] == 0,
    ),
    ("trainees ≤ person-times", lambda v: v["trainings.trainees"] <= v["trainings.person_times"]),
    (
        "covered grids + grids without an executive = grids",
        lambda v: v["coverage.covered_grids"] + v["coverage.unstaffed_grids"]
        == v["coverage.grids"],
    ),
    (
        "households with and without an executive = households",
        lambda v: v["coverage.covered"] + v["coverage.unassigned"] == v["coverage.households"],
    ),
    (
        "key households visited on time + overdue = key households",
        lambda v: v["coverage.visited_on_time"] + v["coverage.visits_overdue"]
        == v["coverage.key_households"],
    ),
    (
        "executives with points ≤ executives",
        lambda v: v["points.executives"] <= v["work.executives"],
    ),
    (
        "wishes fulfilled ≤ wishes collected",
        lambda v: v["work.wishes_fulfilled"] <= v["work.wishes_collected"],
    ),
    (
        "disputes with executives ≤ disputes",
        lambda v: v["cases.with_participants"] <= v["cases.disputes"],
    ),
    (
        "written agreements ≤ disputes",
        lambda v: v["cases.written_agreements"] <= v["cases.disputes"],
    ),
    (
        "emotional disputes resolved ≤ found",
        lambda v: v["cases.emotional_resolved"] <= v["cases.emotional_found"],
    ),
    (
        "emotional disputes found = emotional disputes by kind",
        lambda v: v["cases.emotional_found"] == v["cases.kind.dispute_emotional"],
    ),
    (
        "meetings held = the sum of meetings by kind",
        lambda v: v["meetings.held"] == _sum(v, "meetings.held."),
    ),
    (
        "resolutions done ≤ forwarded ≤ adopted ≤ topics",
        lambda v: v["meetings.done"]
        <= v["meetings.forwarded"]
        <= v["meetings.adopted"]
        <= v["meetings.topics"],
    ),
    (
        "activities held = the sum of activities by kind",
        lambda v: v["activities.held"] == _sum(v, "activities.held."),
    ),
    (
        "assessed executives = the sum of grades",
        lambda v: v["assessments.assessed"] == _sum(v, "assessments.grade."),
    ),
]


def rule_disagreements(figures: dict[str, Any]) -> list[str]:
    values = {key: figure.value for key, figure in figures.items()}
    broken = []
    for description, rule in RULES:
        try:
            holds = rule(values)
        except KeyError:
            continue
        if not holds:
            broken.append(description)
    return broken


def check(client: Any, user: User, org: Any) -> list[str]:
    end = timezone.localdate()
    problems = []
    for start in (dt.date(end.year, 1, 1), end - dt.timedelta(days=365)):
        figures = figure_values(user, org, start, end)
        assert len(figures) > 50, "the dashboard lost its figures"
        assert "trainings.sessions" in figures and "coverage.grids" in figures
        problems += [f"{user.username} {start}: {p}" for p in rule_disagreements(figures)]
        client.force_login(user)
        problems += [f"{user.username} {start}: {p}" for p in list_disagreements(client, figures)]
    return problems


@pytest.fixture
def no_dashboard_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0


def test_the_demos_figures_agree_with_each_other_and_with_their_lists(
    db, client, no_dashboard_cache
):
    call_command("load_demo", villages=3, stdout=StringIO())
    problems = []
    for username in ("songhe", "ningguo"):
        user = User.objects.get(username=username)
        problems += check(client, user, user.org)
    assert not problems, "\n".join(problems)
    songhe = User.objects.get(username="songhe")
    end = timezone.localdate()
    figures = figure_values(songhe, songhe.org, end - dt.timedelta(days=365), end)
    grades = [key.rsplit(".", 1)[1] for key in figures if key.startswith("assessments.grade.")]
    assert grades == ["优秀", "良好", "合格"]  # best first, as the bands rank them


def test_generated_figures_at_town_scale_agree_with_each_other_and_with_their_lists(
    db, client, no_dashboard_cache
):
    generate("town", seed=7)
    top = User.objects.filter(role=User.Role.CADRE).order_by("org__path").first()
    assert top is not None
    assert not (problems := check(client, top, top.org)), "\n".join(problems)


def test_a_rule_that_is_broken_is_reported():
    class F:
        def __init__(self, value: int) -> None:
            self.value = value

    figures = {
        "trainings.sessions": F(0),
        "trainings.person_times": F(150),
        "trainings.trainees": F(40),
        "trainings.hours": F(0),
    }
    assert rule_disagreements(figures) == [
        "no training session ⇒ no person-times, trainees or hours"
    ]
