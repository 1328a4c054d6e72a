import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.orgs.selectors import (
    org_breadcrumbs,
    org_get_for_user,
    org_list_visible,
    org_subtree_kind_counts,
    scope_q,
)

# Which units of the cast's tree each user sees: exactly her subtree, nothing else.
EXPECTED_SCOPE = {
    "city_cadre": {
        "city",
        "ningguo",
        "helixi",
        "songhe",
        "wushan",
        "chengjiawan",
        "gangkou",
        "gangkou_grid",
        "langxi",
        "jianping",
        "dongmen",
    },
    "county_cadre": {
        "ningguo",
        "helixi",
        "songhe",
        "wushan",
        "chengjiawan",
        "gangkou",
        "gangkou_grid",
    },
    "county_leader": {
        "ningguo",
        "helixi",
        "songhe",
        "wushan",
        "chengjiawan",
        "gangkou",
        "gangkou_grid",
    },
    "township_cadre": {"helixi", "songhe", "wushan", "chengjiawan", "gangkou", "gangkou_grid"},
    "songhe_chair": {"songhe", "wushan", "chengjiawan"},
    "wushan_member": {"wushan"},
    "gangkou_chair": {"gangkou", "gangkou_grid"},
    "langxi_cadre": {"langxi", "jianping", "dongmen"},
    "system_admin": set(),
    "security_admin": set(),
    "audit_admin": set(),
}


@pytest.mark.parametrize("username", sorted(EXPECTED_SCOPE))
def test_each_role_sees_exactly_its_subtree(tree, cast, username):
    user = getattr(cast, username)
    names = {name for name, org in vars(tree).items()}
    by_pk = {getattr(tree, name).pk: name for name in names}
    visible = {by_pk[pk] for pk in org_list_visible(user=user).values_list("pk", flat=True)}
    assert visible == EXPECTED_SCOPE[username]


@pytest.mark.parametrize("username", sorted(EXPECTED_SCOPE))
def test_units_outside_scope_are_404_for_every_role(tree, cast, username):
    user = getattr(cast, username)
    for name, org in vars(tree).items():
        if name in EXPECTED_SCOPE[username]:
            assert org_get_for_user(user=user, org_id=org.pk) == org
        else:
            with pytest.raises(Http404):
                org_get_for_user(user=user, org_id=org.pk)


def test_village_chair_cannot_see_other_village(tree, cast):
    with pytest.raises(Http404):
        org_get_for_user(user=cast.songhe_chair, org_id=tree.gangkou.pk)


def test_grid_member_cannot_see_other_grid(tree, cast):
    with pytest.raises(Http404):
        org_get_for_user(user=cast.wushan_member, org_id=tree.chengjiawan.pk)


def test_leader_reads_but_cannot_write(tree, cast):
    assert org_get_for_user(user=cast.county_leader, org_id=tree.songhe.pk) == tree.songhe
    with pytest.raises(PermissionDenied):
        org_get_for_user(user=cast.county_leader, org_id=tree.songhe.pk, for_write=True)


def test_deactivated_user_sees_nothing(tree, cast):
    cast.county_cadre.is_active = False
    assert not org_list_visible(user=cast.county_cadre).exists()


def test_missing_unit_is_404_like_a_hidden_one(cast):
    with pytest.raises(Http404):
        org_get_for_user(user=cast.city_cadre, org_id=999999)


def test_breadcrumbs_stop_at_the_users_scope(tree, cast):
    crumbs = org_breadcrumbs(user=cast.songhe_chair, org=tree.wushan)
    assert crumbs == [tree.songhe, tree.wushan]
    crumbs = org_breadcrumbs(user=cast.city_cadre, org=tree.wushan)
    assert crumbs == [tree.city, tree.ningguo, tree.helixi, tree.songhe, tree.wushan]


def test_subtree_kind_counts_count_units_below(tree):
    counts = org_subtree_kind_counts(org=tree.ningguo)
    assert counts == {"township": 1, "village": 1, "community": 1, "grid": 3}


def test_subtree_query_uses_a_range_not_like(tree, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        list(tree.songhe.__class__.objects.filter(tree.songhe.subtree_q()))
    sql = ctx.captured_queries[0]["sql"]
    assert "LIKE" not in sql.upper()
    assert ">=" in sql and "<" in sql


def test_subtree_query_is_answered_from_the_path_index(tree):
    """The reason paths are digits in a range: both databases answer it from the B-tree."""
    from django.db import connection

    queryset = tree.songhe.__class__.objects.filter(tree.songhe.subtree_q()).only("id")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan cheaper; ask what the index can do.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    # SQLite: "SEARCH orgs_orgunit USING ... INDEX ... (path>? AND path<?)";
    # PostgreSQL: an Index Scan or a Bitmap Index Scan on orgs_orgunit_path_key.
    assert "INDEX" in plan.upper()
    assert "path>? AND path<?" in plan or "orgs_orgunit_path_key" in plan


# --- the whole tree's root: subtree and scope without joining every unit -----------------------


def _case_orgs(q):
    from jinguo.cases.models import Case

    return set(Case.objects.filter(q).values_list("org_id", flat=True))


def test_the_only_root_matches_every_row_with_a_unit_without_joining_units(tree):
    from jinguo.cases.tests.factories import report
    from jinguo.orgs.models import OrgUnit

    report(tree.wushan), report(tree.dongmen)
    city = OrgUnit.objects.get(pk=tree.city.pk)
    assert city.holds_every_unit
    q = city.subtree_q("org__")
    assert "path" not in str(q) and "isnull" in str(q)
    assert _case_orgs(q) == {tree.wushan.pk, tree.dongmen.pk}
    county = OrgUnit.objects.get(pk=tree.ningguo.pk)
    assert not county.holds_every_unit and "path" in str(county.subtree_q("org__"))
    assert _case_orgs(county.subtree_q("org__")) == {tree.wushan.pk}


def test_with_a_second_root_the_city_is_a_path_range_again(tree, cast):
    from jinguo.cases.tests.factories import report
    from jinguo.orgs.models import OrgUnit
    from jinguo.orgs.tests.factories import OrgUnitFactory

    other = OrgUnitFactory.create(name="另一市", kind=OrgUnit.Kind.CITY, code="341700000000")
    report(tree.wushan), report(other)
    city = OrgUnit.objects.get(pk=tree.city.pk)
    assert not city.holds_every_unit
    assert _case_orgs(city.subtree_q("org__")) == {tree.wushan.pk}
    user = cast.city_cadre
    user.org = city
    assert _case_orgs(scope_q(user=user, field="org")) == {tree.wushan.pk}
