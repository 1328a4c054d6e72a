import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jinguo.accounts.checks import demo_usernames
from jinguo.accounts.models import User
from jinguo.audit.models import AuditEvent
from jinguo.demo.management.commands.load_demo import (
    DEMO_USERS,
    PASSWORD,
    Builder,
)
from jinguo.households.models import holding
from jinguo.orgs.codes import code_errors
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit, Venue

K = OrgUnit.Kind
R = User.Role


def _load(**options) -> str:
    out = StringIO()
    call_command("load_demo", villages=3, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return _load()


@pytest.fixture
def songhe(demo) -> OrgUnit:
    return OrgUnit.objects.get(name="嵩合社区")


def test_songhe_has_its_six_resident_group_grids(songhe):
    assert songhe.kind == K.COMMUNITY
    assert songhe.parent.name == "河沥溪街道"
    assert songhe.code.startswith("341881001")
    grids = OrgUnit.objects.filter(parent=songhe, kind=K.GRID, is_active=True).order_by("code")
    assert [g.name for g in grids] == [
        "巫山组网格",
        "程家湾组网格",
        "汪明堂组网格",
        "董家店组网格",
        "陈村组网格",
        "张村组网格",
    ]
    assert [g.code for g in grids] == [f"{songhe.code}{i:03d}" for i in range(1, 7)]


def test_songhe_has_nine_executives_three_cadres_and_one_per_grid(songhe):
    executives = User.objects.filter(songhe.subtree_q("org__"))
    assert executives.count() == 9
    assert executives.filter(role=R.CADRE, org=songhe).count() == 3
    assert executives.filter(role=R.GRID_MEMBER).count() == 6
    for grid in OrgUnit.objects.filter(parent=songhe, kind=K.GRID):
        assert grid.users.filter(role=R.GRID_MEMBER).count() == 1, grid.name


def test_songhe_venues(songhe):
    kinds = set(Venue.objects.filter(org=songhe).values_list("kind", flat=True))
    assert kinds == {Venue.Kind.WOMEN_HOME, Venue.Kind.EXECUTIVE_STUDIO, Venue.Kind.MEDIATION_ROOM}


def test_tree_shape(demo):
    city = OrgUnit.objects.get(kind=K.CITY)
    assert (city.name, city.code) == ("宣城市", "341800000000")
    counties = set(OrgUnit.objects.filter(kind=K.COUNTY).values_list("name", "code"))
    assert {("宁国市", "341881000000"), ("郎溪县", "341821000000")} <= counties
    helixi = OrgUnit.objects.get(name="河沥溪街道")
    assert (helixi.kind, helixi.code) == (K.TOWNSHIP, "341881001000")
    # Every generated village or community has 2–6 grids.
    for village in OrgUnit.objects.filter(kind__in=[K.VILLAGE, K.COMMUNITY]):
        assert 2 <= village.children.filter(kind=K.GRID).count() <= 6, village.name
    non_territorial = set(
        OrgUnit.objects.exclude(kind__in=list(TERRITORIAL_LEVEL)).values_list("kind", flat=True)
    )
    assert {K.ENTERPRISE, K.INDUSTRY, K.NEW_EMPLOYMENT, K.AGENCY} <= non_territorial
    assert OrgUnit.objects.filter(kind=K.INDUSTRY, name__contains="快递").exists()


def test_villages_option_sets_villages_per_county(db):
    _load()
    ningguo = OrgUnit.objects.get(name="宁国市")
    generated = OrgUnit.objects.filter(
        ningguo.subtree_q(), kind__in=[K.VILLAGE, K.COMMUNITY]
    ).exclude(name__in=["嵩合社区", "西山村"])
    assert generated.count() == 3


def test_every_territorial_code_is_valid(demo):
    units = OrgUnit.objects.filter(kind__in=list(TERRITORIAL_LEVEL)).select_related("parent")
    for unit in units:
        errors = code_errors(
            kind=unit.kind,
            code=unit.code,
            parent_kind=unit.parent.kind if unit.parent else None,
            parent_code=unit.parent.code if unit.parent else "",
        )
        assert errors == [], (unit.name, unit.code, errors)


def test_every_role_has_a_demo_account_that_can_log_in(demo):
    assert set(User.objects.values_list("role", flat=True)) == set(R.values)
    assert User.objects.count() == len(DEMO_USERS)
    for user in User.objects.all():
        assert user.check_password(PASSWORD), user.username
    leader, xishan = User.objects.get(username="leader"), User.objects.get(username="xishan")
    assert leader.org is not None and leader.org.name == "宁国市"
    assert xishan.org is not None and xishan.org.kind == K.VILLAGE


def test_prints_the_logins(demo):
    for spec in DEMO_USERS:
        assert spec.username in demo
    assert PASSWORD in demo


def test_writes_history_and_audit_through_the_services(demo):
    assert AuditEvent.objects.filter(action="org.create").count() == OrgUnit.objects.count()
    assert AuditEvent.objects.filter(action="user.create").count() == len(DEMO_USERS)
    assert AuditEvent.objects.filter(action="round.create").count() == 2


def test_refuses_a_database_that_has_orgs(demo):
    orgs, users, events = OrgUnit.objects.count(), User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError, match="已有"):
        _load()
    assert (OrgUnit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (
        orgs,
        users,
        events,
    )


def test_refuses_when_demo_usernames_are_taken(db):
    User.objects.create_user("city", PASSWORD, full_name="x", role=R.SYSTEM_ADMIN)
    with pytest.raises(CommandError, match="city"):
        _load()
    assert not OrgUnit.objects.exists()


def test_generated_names_depend_only_on_the_seed():
    def names(seed: int) -> list[str]:
        builder, used = Builder(seed=seed, villages=0), set[str]()
        return [builder.unique_name(K.VILLAGE, used) for _ in range(10)]

    assert names(7) == names(7)
    assert names(7) != names(8)
    assert len(set(names(7))) == 10


def test_demo_ledger_reproduces_the_songhe_figures(db):
    from jinguo.households.models import Category, Household
    from jinguo.people.selectors import executive_figures

    call_command("load_demo", "--villages", "3", stdout=StringIO())
    chair = User.objects.get(username="songhe")
    assert chair.org is not None
    figures = executive_figures(user=chair, org=chair.org)
    groups = dict(figures.groups)
    by_label = {f.label: f.value for group in groups.values() for f in group}
    assert figures.total.value == 9
    assert by_label["大专及以上"] == 6 and by_label["高中/中专"] == 3
    assert by_label["中共党员"] == 4
    assert by_label["两委干部"] == 3 and by_label["居民组长"] == 6
    songhe_households = Household.objects.filter(grid__parent=chair.org)
    assert songhe_households.count() == 90

    def count(code: str) -> int:
        return songhe_households.filter(holding(Category.objects.get(code=code).pk)).count()

    assert count("dibao") == 4 and count("children_in_difficulty") == 3
    assert count("disabled") + count("serious_illness") >= 30


def test_every_grid_member_account_is_linked_to_her_executive_record(db):
    call_command("load_demo", "--villages", "3", stdout=StringIO())
    members = User.objects.filter(role=User.Role.GRID_MEMBER)
    assert members.count() == 6
    assert all(m.person is not None and m.person.name == m.full_name for m in members)


def test_demo_visits_and_cases_reproduce_the_case_figures_and_fill_the_todo(db):
    from jinguo.cases.models import Case, CaseKind
    from jinguo.cases.selectors import case_figures
    from jinguo.intake.models import Submission as IntakeSubmission
    from jinguo.visits.models import Wish
    from jinguo.visits.selectors import visit_todo

    call_command("load_demo", "--villages", "3", stdout=StringIO())
    chair = User.objects.get(username="songhe")
    assert chair.org is not None
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    figures = case_figures(user=chair, org=chair.org, start=start, end=today)
    assert {f.key: f.value for f in figures} == {
        "disputes": 12,
        "with_participants": 7,
        "written_agreements": 4,
        "emotional_found": 5,
        "emotional_resolved": 3,
    }
    violence = Case.objects.get(kind=CaseKind.DOMESTIC_VIOLENCE)
    assert violence.org == chair.org and violence.supervision == Case.Supervision.RED
    requests = Case.objects.filter(kind=CaseKind.REQUEST, status=Case.Status.IN_PROGRESS)
    assert requests.count() == 2
    now = timezone.now()
    assert any(c.warn_at <= now < c.due_at for c in requests)
    # The executives' wishes; a resident's, through the intake page, is the intake demo's.
    public = IntakeSubmission.objects.exclude(wish=None).values("wish_id")
    statuses = list(Wish.objects.exclude(pk__in=public).values_list("status", flat=True))
    assert sorted(statuses) == sorted(["collected", "claimed", "fulfilled"] * 2)
    todo: list[Any] = list(visit_todo(user=User.objects.get(username="wushan")))  # annotated
    dues = [household.due for household in todo]
    assert any(due < today for due in dues)
    assert any(today <= due <= today + dt.timedelta(days=6) for due in dues)


def test_the_deploy_check_knows_every_demo_account_without_importing_the_demo():
    assert demo_usernames() == {spec.username for spec in DEMO_USERS}
