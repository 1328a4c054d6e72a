"""The dashboard's summary tables: they give the same figures as counting live, are used only
while fresh, and the monthly visit tallies catch visits committed late."""

import datetime as dt

import pytest
from django.utils import timezone

from jinguo.households import assignments as household_assignments
from jinguo.households import services as household_services
from jinguo.households.models import Category, Household
from jinguo.reports import tallies
from jinguo.reports.models import TallyRun, VisitMonthRollup, VisitMonthTally
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.trends import monthly_trends
from jinguo.visits import services as visit_services
from jinguo.visits.models import Visit

TODAY = timezone.localdate()
START = TODAY.replace(month=1, day=1)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.TALLY_MAX_AGE_SECONDS = 30


@pytest.fixture
def ledger(cast, tree, people, default_categories):
    """Songhe: five households in 巫山, two with a key category (one visited today, one never
    and registered long ago, so overdue), two of them covered by 包保; 港口村: one household;
    巫山 has an executive, 程家湾 none."""
    key = Category.objects.filter(is_active=True).order_by("visit_interval_days")[0]
    chair = cast.songhe_chair
    households = [
        household_services.household_create(actor=chair, grid=tree.wushan, number=f"WS{i:03}")
        for i in range(5)
    ]
    household_services.household_create(
        actor=cast.gangkou_chair, grid=tree.gangkou_grid, number="GK001"
    )
    household_assignments.grid_assign(actor=chair, executive=people.wushan_exec, grid=tree.wushan)
    for household in households[:2]:
        household_services.household_set_categories(
            actor=chair, household=household, categories=[key]
        )
        household_assignments.household_assign(
            actor=chair, household=household, executive=people.wushan_exec
        )
    # The second key household was registered long before its interval: overdue.
    long_ago = timezone.now() - dt.timedelta(days=key.visit_interval_days + 10)
    type(households[1]).objects.filter(pk=households[1].pk).update(created_at=long_ago)
    from jinguo.households.plan import plan_refresh

    plan_refresh(household_ids=[households[1].pk])
    visit_services.visit_log(
        actor=cast.wushan_member, household=households[0], channel="home", services=["care"]
    )
    return households


def coverage(user, org) -> dict[str, int | float]:
    sections = dashboard_sections(user=user, org=org, start=START, end=TODAY)
    section = next(s for s in sections if s.key == "coverage")
    figures = {f.key: f.value for f in section.figures}
    table = section.children
    assert table is not None
    for row in table.rows:
        for key, cell in zip(table.keys, row.cells, strict=True):
            figures[f"{row.org.name}:{key}"] = cell.value
    return figures


def test_coverage_figures_are_counted_from_the_records(cast, tree, ledger):
    got = coverage(cast.songhe_chair, tree.songhe)
    assert got["coverage.households"] == 5
    assert got["coverage.covered"] == 2
    assert got["coverage.unassigned"] == 3
    assert got["coverage.grids"] == 2
    assert got["coverage.covered_grids"] == 1
    assert got["coverage.unstaffed_grids"] == 1
    assert got["coverage.key_households"] == 2
    assert got["coverage.visits_overdue"] == 1
    assert got["coverage.visited_on_time"] == 1
    assert got["coverage.on_time_rate"] == 50.0


@pytest.mark.parametrize("who", ["county_cadre", "songhe_chair", "city_cadre"])
def test_tallies_give_the_same_figures_as_counting_live(cast, tree, ledger, who):
    user = getattr(cast, who)
    org = user.org
    live = coverage(user, org)
    assert tallies.tallies_fresh() is None
    tallies.tallies_refresh()
    assert tallies.tallies_fresh() is not None
    assert coverage(user, org) == live
    assert monthly_trends(user=user, org=org, year=TODAY.year)["visits"][TODAY.month - 1] == 1


def test_tallies_are_not_used_once_older_than_the_limit(cast, tree, ledger, settings):
    tallies.tallies_refresh()
    household_services.household_create(actor=cast.songhe_chair, grid=tree.wushan, number="NEW")
    # Fresh tallies: the household written since is not there yet (at most the limit behind).
    assert coverage(cast.songhe_chair, tree.songhe)["coverage.households"] == 5
    TallyRun.objects.update(started_at=timezone.now() - dt.timedelta(seconds=31))
    assert tallies.tallies_fresh() is None
    assert coverage(cast.songhe_chair, tree.songhe)["coverage.households"] == 6


def test_tallies_of_another_day_are_not_used(ledger):
    run = tallies.tallies_refresh()
    TallyRun.objects.filter(pk=run.pk).update(as_of=TODAY - dt.timedelta(days=1))
    assert tallies.tallies_fresh() is None


def test_a_max_age_of_zero_switches_the_tallies_off(ledger, settings):
    tallies.tallies_refresh()
    settings.TALLY_MAX_AGE_SECONDS = 0
    assert tallies.tallies_fresh() is None


def test_a_grid_member_is_always_counted_live(cast, tree, ledger):
    tallies.tallies_refresh()
    household_services.household_create(actor=cast.songhe_chair, grid=tree.wushan, number="NEW")
    member = cast.wushan_member
    assert coverage(member, member.org)["coverage.households"] == 6


def test_refresh_writes_only_changed_rows(cast, tree, ledger, count_queries):
    tallies.tallies_refresh()
    tallies.tallies_refresh()  # the second is incremental: two runs back exist now
    quiet = count_queries(tallies.tallies_refresh)
    household_services.household_create(actor=cast.songhe_chair, grid=tree.wushan, number="NEW")
    assert count_queries(tallies.tallies_refresh) > quiet  # the changed row is written
    total, _children = tallies.unit_tallies(org=tree.songhe)
    assert total.households == 6


def test_months_recount_visits_committed_late_with_a_smaller_id(cast, tree, ledger):
    household = ledger[0]

    def log():
        return visit_services.visit_log(
            actor=cast.wushan_member, household=household, channel="phone", services=["care"]
        )

    def this_month() -> int:
        return tallies.visit_months(org=tree.songhe, year=TODAY.year)[TODAY.month - 1]

    tallies.tallies_refresh()
    tallies.tallies_refresh()  # two runs back exist from now on: the next are incremental
    log()
    assert tallies.tallies_refresh().full is False
    late, last = log(), log()
    late_row = Visit.objects.filter(pk=late.pk).values()[0]
    Visit.objects.filter(pk=late.pk).delete()  # not yet committed when the next run starts
    tallies.tallies_refresh()
    assert this_month() == 3
    Visit.objects.create(**late_row)  # commits now, below the last run's watermark
    assert late.pk < last.pk
    tallies.tallies_refresh()
    assert this_month() == 4


def test_a_full_refresh_rebuilds_the_month_tallies(cast, tree, ledger):
    tallies.tallies_refresh()
    VisitMonthTally.objects.update(visits=99)
    tallies.tallies_refresh(full=True)
    assert sum(VisitMonthTally.objects.values_list("visits", flat=True)) == 1


def test_only_the_latest_runs_are_kept(ledger, monkeypatch):
    monkeypatch.setattr(tallies, "RUNS_KEPT", 3)
    for _ in range(5):
        tallies.tallies_refresh()
    assert TallyRun.objects.count() == 3


def test_refresh_command_runs_once(ledger, capsys):
    from django.core.management import call_command

    call_command("refresh_tallies")
    assert "汇总表已刷新" in capsys.readouterr().out
    assert TallyRun.objects.count() == 1


@pytest.mark.parametrize(
    "key",
    [
        "coverage.households",
        "coverage.covered",
        "coverage.unassigned",
        "coverage.key_households",
        "coverage.visited_on_time",
    ],
)
def test_each_coverage_figure_links_to_exactly_the_households_it_counts(
    cast, tree, ledger, login, key
):
    sections = dashboard_sections(user=cast.songhe_chair, org=tree.songhe, start=START, end=TODAY)
    figure = next(f for s in sections for f in s.figures if f.key == key)
    page = login(cast.songhe_chair).get(figure.url)
    assert page.context["page"].paginator.count == figure.value


def test_the_overdue_filter_of_the_ledger_lists_the_overdue_key_household(
    cast, tree, ledger, login
):
    page = login(cast.songhe_chair).get(f"/households/?org={tree.songhe.pk}&plan=overdue")
    assert [h.number for h in page.context["rows"]] == ["WS001"]
    ignored = login(cast.songhe_chair).get(f"/households/?org={tree.songhe.pk}&plan=bogus")
    assert ignored.context["page"].paginator.count == 5


@pytest.mark.parametrize(
    "key", ["coverage.grids", "coverage.covered_grids", "coverage.unstaffed_grids"]
)
def test_each_grid_figure_links_to_exactly_the_grids_it_counts(cast, tree, ledger, login, key):
    sections = dashboard_sections(user=cast.songhe_chair, org=tree.songhe, start=START, end=TODAY)
    figure = next(f for s in sections for f in s.figures if f.key == key)
    page = login(cast.songhe_chair).get(figure.url)
    assert page.context["page"].paginator.count == figure.value


def test_city_and_county_trends_come_from_the_rollups_and_equal_the_tallies(
    cast, tree, ledger, count_queries
):
    visit_services.visit_log(
        actor=cast.gangkou_chair,
        household=Household.objects.get(number="GK001"),
        channel="home",
        services=["care"],
    )
    tallies.tallies_refresh()
    month = TODAY.month - 1
    for org in (tree.city, tree.ningguo):
        result: dict[str, list[int]] = {}

        def read(org=org, result=result) -> None:
            result["months"] = tallies.visit_months(org=org, year=TODAY.year)

        assert count_queries(read) == 1
        visits = Visit.objects.filter(org__path__startswith=org.path).count()
        assert result["months"][month] == visits == 2
    assert tallies.visit_months(org=tree.langxi, year=TODAY.year)[month] == 0
    assert tallies.visit_months(org=tree.helixi, year=TODAY.year)[month] == 2  # summed live


def test_rollups_follow_new_visits_and_write_only_what_changed(cast, tree, ledger):
    tallies.tallies_refresh()
    tallies.tallies_refresh()
    before = {r.pk: r.visits for r in VisitMonthRollup.objects.all()}
    visit_services.visit_log(
        actor=cast.wushan_member, household=ledger[1], channel="phone", services=["care"]
    )
    tallies.tallies_refresh()
    after = {r.pk: r.visits for r in VisitMonthRollup.objects.all()}
    assert after.keys() == before.keys()  # updated in place, not deleted and inserted
    assert sorted(after.values()) == [v + 1 for v in sorted(before.values())]
    assert tallies.visit_months(org=tree.city, year=TODAY.year)[TODAY.month - 1] == 2
