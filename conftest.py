"""The named cast every test can use: an org tree of one city and users at each level.

宣城市 ─┬─ 宁国市 ── 河沥溪街道 ─┬─ 嵩合社区 ─┬─ 巫山组网格
        │                        │            └─ 程家湾组网格
        │                        └─ 港口村 ──── 港口一组网格
        └─ 郎溪县 ── 建平镇 ── 东门村
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import PASSWORD, UserFactory
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory

K = OrgUnit.Kind


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the product's language, whatever an earlier test switched to."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploads and backups (the demo makes both) go to a folder of the test session's own, never
    the checkout's var/media and var/backups."""
    folder = tmp_path_factory.getbasetemp()
    settings.MEDIA_ROOT = folder / "media"
    settings.JINGUO_BACKUP_DIR = folder / "backups"


@pytest.fixture(autouse=True)
def _no_reference_cache(settings):
    """Each test reads categories and units from its own database (jinguo.common.refcache),
    never a copy another test left in this process; the cache's own tests switch it on."""
    settings.REFERENCE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_shared_counters(request):
    """Rate limits and login throttles count in the shared cache (jinguo.common.throttle). Its
    database table goes back with each test's transaction; after a transactional test, and
    around every test when it is Redis (JINGUO_CACHE_URL), it is emptied here."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    store = caches["shared"]
    on_table = isinstance(store, DatabaseCache)
    if not on_table:
        store.clear()
    yield
    if not on_table or {"transactional_db", "live_server"} & set(request.fixturenames):
        store.clear()


@pytest.fixture
def kept_references(settings):
    """The reference cache switched on, empty before and after the test."""
    from django.core.cache import caches

    settings.REFERENCE_CACHE_SECONDS = 60
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _read_threads_let_go_of_connections(settings):
    """Read threads close their connection after each task in tests: one kept open would stop
    the test database from being dropped at the end."""
    settings.READ_THREADS_CONN_SECONDS = 0


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def build_tree() -> SimpleNamespace:
    t = SimpleNamespace()
    t.city = OrgUnitFactory(name="宣城市", kind=K.CITY, code="341800000000")
    t.ningguo = OrgUnitFactory(name="宁国市", kind=K.COUNTY, code="341881000000", parent=t.city)
    t.helixi = OrgUnitFactory(
        name="河沥溪街道", kind=K.TOWNSHIP, code="341881001000", parent=t.ningguo
    )
    t.songhe = OrgUnitFactory(
        name="嵩合社区", kind=K.COMMUNITY, code="341881001001", parent=t.helixi
    )
    t.wushan = OrgUnitFactory(
        name="巫山组网格", kind=K.GRID, code="341881001001001", parent=t.songhe
    )
    t.chengjiawan = OrgUnitFactory(
        name="程家湾组网格", kind=K.GRID, code="341881001001002", parent=t.songhe
    )
    t.gangkou = OrgUnitFactory(name="港口村", kind=K.VILLAGE, code="341881001002", parent=t.helixi)
    t.gangkou_grid = OrgUnitFactory(
        name="港口一组网格", kind=K.GRID, code="341881001002001", parent=t.gangkou
    )
    t.langxi = OrgUnitFactory(name="郎溪县", kind=K.COUNTY, code="341821000000", parent=t.city)
    t.jianping = OrgUnitFactory(
        name="建平镇", kind=K.TOWNSHIP, code="341821100000", parent=t.langxi
    )
    t.dongmen = OrgUnitFactory(
        name="东门村", kind=K.VILLAGE, code="341821100001", parent=t.jianping
    )
    return t


def build_users(t: SimpleNamespace) -> SimpleNamespace:
    R = User.Role
    u = SimpleNamespace()
    u.city_cadre = UserFactory(username="city_cadre", role=R.CADRE, org=t.city)
    u.county_cadre = UserFactory(username="county_cadre", role=R.CADRE, org=t.ningguo)
    u.township_cadre = UserFactory(username="township_cadre", role=R.CADRE, org=t.helixi)
    u.songhe_chair = UserFactory(username="songhe_chair", role=R.CADRE, org=t.songhe)
    u.wushan_member = UserFactory(username="wushan_member", role=R.GRID_MEMBER, org=t.wushan)
    u.gangkou_chair = UserFactory(username="gangkou_chair", role=R.CADRE, org=t.gangkou)
    u.langxi_cadre = UserFactory(username="langxi_cadre", role=R.CADRE, org=t.langxi)
    u.county_leader = UserFactory(username="county_leader", role=R.LEADER, org=t.ningguo)
    u.system_admin = UserFactory(username="system_admin", role=R.SYSTEM_ADMIN)
    u.security_admin = UserFactory(username="security_admin", role=R.SECURITY_ADMIN)
    u.audit_admin = UserFactory(username="audit_admin", role=R.AUDIT_ADMIN)
    # Administrators must have a second factor (TotpRequiredMiddleware); the cast has one.
    for admin in (u.system_admin, u.security_admin, u.audit_admin):
        admin.totp_secret, admin.totp_enabled_at = TOTP_SECRET, timezone.now()
        admin.save(update_fields=["totp_secret", "totp_enabled_at"])
    return u


@pytest.fixture
def tree(db) -> SimpleNamespace:
    return build_tree()


@pytest.fixture
def cast(tree) -> SimpleNamespace:
    return build_users(tree)


@pytest.fixture
def login(client):
    """login(user) → the test client, signed in as `user` through the real login page."""

    def _login(user: User):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def default_categories(db):
    """The key-household categories the migrations create (and mark sensitive). Transactional
    tests empty every table when they end, so a test that runs after one asks for them again."""
    from importlib import import_module

    from django.apps import apps

    for migration in ("0003_default_categories", "0005_category_sensitive"):
        import_module(f"jinguo.households.migrations.{migration}").create(apps, None)


@pytest.fixture
def count_queries():
    """count_queries(fn) → how many SQL queries fn() ran. Lists compare two sizes with it to
    prove they do not query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def _count(fn) -> int:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    return _count


__all__ = ["PASSWORD"]


@pytest.fixture
def people(cast, tree) -> SimpleNamespace:
    """Executives behind the grid accounts: wushan_member is 巫山组网格's executive."""
    from jinguo.households.tests.factories import executive

    p = SimpleNamespace()
    # Seated on their community's committee, so that they may handle its cases.
    p.wushan_exec = executive(tree.songhe, "汪秀兰")
    p.chengjiawan_exec = executive(tree.songhe, "程丽")
    p.gangkou_exec = executive(tree.gangkou, "港红梅")
    for user, person in ((cast.wushan_member, p.wushan_exec),):
        user.person = person
        user.save(update_fields=["person"])
    return p
