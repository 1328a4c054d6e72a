import datetime as dt
import re

from jinguo.honours import selectors, services
from jinguo.people.models import Person


def _approved_family(cast, org, title, day, **extra):
    honour = services.family_honour_nominate(
        actor=cast.township_cadre,
        org=org,
        family_name=f"{title}家庭",
        title=title,
        level="village",
        year=day.year,
        **extra,
    )
    return services.honour_approve(actor=cast.township_cadre, honour=honour, awarded_on=day)


def test_a_village_sees_only_its_own_honours(cast, tree, family):
    assert list(selectors.honour_list(user=cast.songhe_chair)) == [family]
    assert list(selectors.honour_list(user=cast.gangkou_chair)) == []
    assert list(selectors.honour_list(user=cast.system_admin)) == []


def test_the_list_does_not_query_per_row(cast, tree, count_queries):
    def run() -> None:
        for h in selectors.honour_list(user=cast.city_cadre, kind="individual"):
            _ = (h.org.name, h.person.name, h.title_label)
        for h in selectors.honour_list(user=cast.city_cadre):
            _ = (h.org.name, h.title_label)

    def add(n: int) -> None:
        for i in range(n):
            person = Person.objects.create(org=tree.songhe, name=f"甲{i}", gender="F")
            services.individual_honour_nominate(
                actor=cast.songhe_chair,
                person=person,
                title="march8_red_flag",
                level="village",
                year=2026,
            )
            _approved_family(cast, tree.wushan, "model", dt.date(2026, 3, 1))

    add(1)
    run()  # the one-off look-up of whether her unit is the tree's root (holds_every_unit)
    few = count_queries(run)
    add(2)
    assert count_queries(run) == few


def test_the_figures_count_approved_honours_in_the_period_and_link_to_them(
    cast, tree, login, family
):
    for _i in range(3):
        _approved_family(cast, tree.wushan, "characteristic", dt.date(2026, 5, 1), theme="书香")
    _approved_family(cast, tree.gangkou, "characteristic", dt.date(2026, 5, 1), theme="廉洁")
    _approved_family(cast, tree.chengjiawan, "model", dt.date(2026, 5, 2))
    _approved_family(cast, tree.wushan, "model", dt.date(2025, 5, 2))  # before the period
    services.individual_honour_nominate(
        actor=cast.songhe_chair,
        person=Person.objects.create(org=tree.songhe, name="乙", gender="F"),
        title="march8_red_flag",
        level="village",
        year=2026,
    )
    figures = {
        f.key: f
        for f in selectors.honours_figures(
            user=cast.county_cadre,
            org=tree.songhe,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
    }
    assert figures["honours.family.characteristic"].value == 3
    assert figures["honours.family.model"].value == 1
    assert figures["honours.family.pending"].value == 1  # the family fixture
    assert figures["honours.individual.pending"].value == 1
    client = login(cast.county_cadre)
    for key in ("honours.family.characteristic", "honours.family.model", "honours.family.pending"):
        body = client.get(figures[key].url).content.decode()
        found = re.search(r"共 (\d+) 项", body)
        assert found is not None
        shown = int(found.group(1))
        assert shown == figures[key].value, key
