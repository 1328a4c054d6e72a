import datetime as dt
import re

import pytest

from jinguo.people.models import Person
from jinguo.sanxin import selectors
from jinguo.sanxin.models import SanxinTarget
from jinguo.sanxin.services import exemplary_add, sanxin_establish_federation
from jinguo.sanxin.targets import sanxin_target_create
from jinguo.sanxin.tests.conftest import register
from jinguo.sanxin.workers import sanxin_worker_add, sanxin_worker_leave

Metric = SanxinTarget.Metric


def test_the_registry_is_scoped(cast, sx):
    names = lambda user: {o.name for o in selectors.sanxin_org_list(user=user)}  # noqa: E731
    assert names(cast.songhe_chair) == {"宁国速达快递", "美团骑手站"}
    assert names(cast.gangkou_chair) == {"港口律师事务所"}
    assert len(names(cast.county_cadre)) == 3
    assert names(cast.langxi_cadre) == set()
    assert names(cast.system_admin) == set()


def test_filters_by_category_sector_and_federation(cast, sx):
    sanxin_establish_federation(actor=cast.songhe_chair, sanxin_org=sx.riders, name="骑手妇联",
                                established_on=dt.date(2025, 3, 1))  # fmt: skip
    user = cast.county_cadre
    assert [o.name for o in selectors.sanxin_org_list(user=user, federation=True)] == ["美团骑手站"]
    assert len(selectors.sanxin_org_list(user=user, federation=False)) == 2
    assert len(selectors.sanxin_org_list(user=user, category="new_social")) == 1
    assert len(selectors.sanxin_org_list(user=user, sector="courier")) == 1
    assert len(selectors.sanxin_org_list(user=user, query="律师")) == 1


def test_the_women_roster_lists_current_women_only(cast, tree, sx):
    w = lambda name, gender: sanxin_worker_add(  # noqa: E731
        actor=cast.songhe_chair, sanxin_org=sx.courier, new_person={"name": name, "gender": gender},
        joined_on=dt.date(2024, 5, 1),
    )  # fmt: skip
    w("李梅", "F")
    w("张强", "M")
    gone = w("王芳", "F")
    sanxin_worker_leave(actor=cast.songhe_chair, worker=gone, left_on=dt.date(2024, 6, 1))
    roster = selectors.sanxin_worker_list(user=cast.songhe_chair, women=True)
    assert [r.person.name for r in roster] == ["李梅"]
    assert len(selectors.sanxin_worker_list(user=cast.songhe_chair)) == 2
    assert len(selectors.sanxin_worker_list(user=cast.gangkou_chair)) == 0


def _fed(cast, org, day):
    sanxin_establish_federation(
        actor=cast.city_cadre, sanxin_org=org, name=f"{org.name}妇联", established_on=day
    )


def test_progress_counts_the_subtree_in_the_period_with_a_linear_expectation(cast, tree):
    target = sanxin_target_create(
        actor=cast.county_cadre, org=tree.ningguo, title="宁国市建立三新妇联",
        metric=Metric.FEDERATIONS, target_value=10,
        period_start=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31),
    )  # fmt: skip
    before = register(cast.county_cadre, tree.songhe, name="早年快递")
    _fed(cast, before, dt.date(2024, 6, 1))  # before the period: not counted
    for i, day in enumerate([dt.date(2025, 2, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)]):
        _fed(cast, register(cast.county_cadre, tree.gangkou, name=f"公司{i}"), day)
    elsewhere = register(cast.city_cadre, tree.dongmen, name="郎溪公司")
    _fed(cast, elsewhere, dt.date(2025, 3, 1))  # another county
    today = dt.date(2025, 7, 2)  # 182 of 364 days: half-way
    value = selectors.target_progress_value(target=target, today=today)
    progress = selectors.target_progress(target=target, value=value, today=today)
    assert value == 3
    assert progress.percent == 30.0
    assert progress.expected == 5.0
    assert progress.on_track is False
    assert progress.url == f"/sanxin/?target={target.pk}"
    # The list annotates the same number in its one query.
    [(listed, p)] = selectors.target_list(user=cast.county_cadre, today=today)
    assert listed == target and p.value == 3
    # On day one nothing is expected; after the deadline all of it.
    assert selectors.expected_by(target=target, today=dt.date(2024, 12, 1)) == 0
    assert selectors.expected_by(target=target, today=dt.date(2026, 3, 1)) == 10


def test_progress_of_registered_orgs_and_listed_women(cast, tree, sx):
    orgs = sanxin_target_create(
        actor=cast.county_cadre, org=tree.helixi, title="登记", metric=Metric.ORGS,
        target_value=4, period_start=dt.date(2024, 1, 1), deadline=dt.date(2030, 1, 1),
    )  # fmt: skip
    women = sanxin_target_create(
        actor=cast.county_cadre, org=tree.helixi, title="优秀女性", metric=Metric.WOMEN,
        target_value=2, period_start=dt.date(2024, 1, 1), deadline=dt.date(2030, 1, 1),
    )  # fmt: skip
    person = Person.objects.create(org=tree.songhe, name="李梅", gender="F")
    exemplary_add(actor=cast.songhe_chair, org=tree.songhe, person=person, reason="事迹",
                  listed_on=dt.date(2025, 1, 1))  # fmt: skip
    values = {t.metric: p.value for t, p in selectors.target_list(user=cast.county_cadre)}
    assert values == {Metric.ORGS: 3, Metric.WOMEN: 1}
    assert selectors.target_progress_value(target=orgs) == 3
    assert selectors.target_progress_value(target=women) == 1


def test_the_target_list_does_not_query_per_row(cast, tree, count_queries):
    def add(n):
        for i in range(n):
            sanxin_target_create(
                actor=cast.city_cadre, org=tree.ningguo, title=f"t{i}", metric=Metric.ORGS,
                target_value=5, period_start=dt.date(2024, 1, 1), deadline=dt.date(2027, 1, 1),
            )  # fmt: skip

    add(1)
    selectors.target_list(user=cast.city_cadre)  # the one-off root look-up (holds_every_unit)
    few = count_queries(lambda: selectors.target_list(user=cast.city_cadre))
    add(2)
    assert count_queries(lambda: selectors.target_list(user=cast.city_cadre)) == few


@pytest.fixture
def busy(cast, tree, sx):
    """Federations in 2025 for the courier (new economic, courier) and the riders."""
    _fed(cast, sx.courier, dt.date(2025, 4, 1))
    _fed(cast, sx.riders, dt.date(2025, 5, 1))
    _fed(cast, sx.lawfirm, dt.date(2024, 5, 1))  # outside the period
    for name, gender in [("李梅", "F"), ("张强", "M")]:
        sanxin_worker_add(actor=cast.songhe_chair, sanxin_org=sx.courier,
                          new_person={"name": name, "gender": gender},
                          joined_on=dt.date(2024, 5, 1))  # fmt: skip
    return sx


def test_figures_equal_the_rows_their_links_list(cast, tree, busy, login):
    client = login(cast.county_cadre)
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    figures = selectors.sanxin_figures(
        user=cast.county_cadre, org=tree.ningguo, start=start, end=end
    )
    by_key = {f.key: f for f in figures}
    assert by_key["sanxin.orgs_registered"].value == 3
    assert by_key["sanxin.federations"].value == 2
    assert by_key["sanxin.federations_new_employment"].value == 1
    assert by_key["sanxin.federations_logistics"].value == 2
    assert by_key["sanxin.federations_new_social"].value == 0
    assert by_key["sanxin.workers_declared"].value == 30
    assert by_key["sanxin.workers_listed"].value == 2
    assert by_key["sanxin.women_listed"].value == 1
    for f in figures:
        if f.key.endswith("_declared"):
            continue
        page = client.get(f.url).content.decode()
        rows = len(re.findall(r'class="[^"]*(?:sanxin|worker|exemplary)-row', page))
        assert rows == f.value, f.key
