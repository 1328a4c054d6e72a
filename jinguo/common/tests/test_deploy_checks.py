"""`jinguo check --deploy` in production: Django's security checks quiet with the production
environment, no development key (common.checks) and no default or demo account able to sign in
(accounts.checks); and the bare settings are production's."""

import base64
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.checks import ERROR
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from config.env import DEVELOPMENT_SECRETS
from jinguo.accounts.checks import DEMO_PASSWORD, check_no_default_accounts
from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.common.checks import check_no_development_keys

ROOT = Path(__file__).resolve().parents[3]
OWN_PASSWORD = "Another#Secret9"


def _fresh_keys() -> dict[str, str]:
    key = base64.b64encode(os.urandom(32)).decode()
    return {
        "JINGUO_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "JINGUO_FIELD_KEY": key,
        "JINGUO_HASH_KEY": key[::-1],
    }


def _use_fresh_keys(settings) -> None:
    keys = _fresh_keys()
    settings.SECRET_KEY = keys["JINGUO_SECRET_KEY"]
    settings.FIELD_ENCRYPTION_KEY = keys["JINGUO_FIELD_KEY"]
    settings.BLIND_INDEX_KEY = keys["JINGUO_HASH_KEY"]
    settings.BACKUP_KEY = base64.b64encode(os.urandom(32)).decode()


def _jinguo(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`python -m jinguo ARGS` with only ENV (no JINGUO_DEBUG unless given) and a scratch DB."""
    bare = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-m", "jinguo", *args],
        cwd=ROOT,
        env={**bare, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _account(username: str, password: str = OWN_PASSWORD, *, active: bool = True) -> User:
    UserFactory(username=username, password=password, role=User.Role.SYSTEM_ADMIN)
    if not active:
        User.objects.filter(username=username).update(is_active=False)
    return User.objects.get(username=username)


def _check() -> list:
    return check_no_default_accounts(app_configs=None, databases=None)


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_production_environment_passes_djangos_deploy_checks(tmp_path):
    key = base64.b64encode(os.urandom(32)).decode()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "JINGUO_DEBUG": "false",
        "JINGUO_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "JINGUO_FIELD_KEY": key,
        "JINGUO_HASH_KEY": key[::-1],
        "JINGUO_ALLOWED_HOSTS": "jinguo.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    # --tag security: the settings only; the accounts check needs a migrated database and is
    # tested in process below.
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--tag",
            "security",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_the_bare_settings_are_productions_with_debug_off(tmp_path):
    show = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    done = _jinguo("shell", "--no-imports", "-c", show, env=_fresh_keys(), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["DEBUG", "False"]


def test_bare_settings_without_keys_stop_with_a_message_naming_the_key(tmp_path):
    done = _jinguo("check", "--deploy", env={}, tmp_path=tmp_path)
    assert done.returncode != 0
    assert "JINGUO_SECRET_KEY (or JINGUO_SECRET_KEY_FILE) must be set" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("missing", ["JINGUO_FIELD_KEY", "JINGUO_HASH_KEY"])
def test_production_never_falls_back_to_a_development_key(tmp_path, missing):
    keys = _fresh_keys()
    del keys[missing]
    done = _jinguo("check", env={"JINGUO_DEBUG": "false", **keys}, tmp_path=tmp_path)
    assert done.returncode != 0
    assert f"{missing} (or {missing}_FILE) must be set" in done.stderr


def test_development_keys_set_by_hand_in_production_fail_check_deploy(tmp_path):
    env = {"JINGUO_DEBUG": "false", "JINGUO_ALLOWED_HOSTS": "jinguo.example.gov.cn"}
    done = _jinguo(
        "check",
        "--deploy",
        "--tag",
        "security",
        env={**env, **DEVELOPMENT_SECRETS},
        tmp_path=tmp_path,
    )
    assert done.returncode != 0
    for check_id in ("keys.E001", "keys.E002", "keys.E003", "keys.E004"):
        assert check_id in done.stderr


@pytest.mark.parametrize(
    ("setting", "variable", "check_id"),
    [
        ("SECRET_KEY", "JINGUO_SECRET_KEY", "keys.E001"),
        ("FIELD_ENCRYPTION_KEY", "JINGUO_FIELD_KEY", "keys.E002"),
        ("BLIND_INDEX_KEY", "JINGUO_HASH_KEY", "keys.E003"),
        ("BACKUP_KEY", "JINGUO_BACKUP_KEY", "keys.E004"),
    ],
)
def test_each_development_key_is_an_error_even_with_debug_on(settings, setting, variable, check_id):
    _use_fresh_keys(settings)
    settings.DEBUG = True
    setattr(settings, setting, DEVELOPMENT_SECRETS[variable])
    messages = check_no_development_keys(app_configs=None, databases=None)
    assert [(m.id, m.level) for m in messages] == [(check_id, ERROR)]
    assert variable in messages[0].msg


def test_a_development_key_read_from_a_file_with_its_newline_is_still_caught(settings):
    _use_fresh_keys(settings)
    settings.FIELD_ENCRYPTION_KEY = DEVELOPMENT_SECRETS["JINGUO_FIELD_KEY"] + "\n"
    assert "keys.E002" in _ids(check_no_development_keys(app_configs=None, databases=None))


def test_the_development_secret_key_kept_as_a_fallback_fails(settings):
    _use_fresh_keys(settings)
    settings.SECRET_KEY_FALLBACKS = [DEVELOPMENT_SECRETS["JINGUO_SECRET_KEY"]]
    assert "keys.E001" in _ids(check_no_development_keys(app_configs=None, databases=None))


def test_a_backup_key_equal_to_the_field_key_fails(settings):
    _use_fresh_keys(settings)
    settings.BACKUP_KEY = settings.FIELD_ENCRYPTION_KEY
    messages = check_no_development_keys(app_configs=None, databases=None)
    assert _ids(messages) == ["keys.E005"]
    assert "JINGUO_BACKUP_KEY" in messages[0].msg


def test_fresh_keys_pass_the_development_key_check(settings):
    _use_fresh_keys(settings)
    assert check_no_development_keys(app_configs=None, databases=None) == []


def test_a_site_without_default_accounts_passes(db, settings):
    settings.DEBUG = False
    _account("wang_xiaohong")
    _account("li_min")
    assert _check() == []


def test_an_account_with_the_demo_password_fails_the_deploy_check(db, settings):
    settings.DEBUG = False
    _account("songhe", DEMO_PASSWORD)
    assert _ids(_check()) == ["accounts.E002"]


def test_a_generated_account_with_the_demo_password_fails(db, settings):
    settings.DEBUG = False
    _account("county7_cadre", DEMO_PASSWORD)
    assert _ids(_check()) == ["accounts.E002"]


def test_accounts_sharing_one_demo_password_hash_fail_whatever_their_names(db, settings):
    settings.DEBUG = False
    first = _account("wang_xiaohong", DEMO_PASSWORD)
    second = _account("li_min")
    second.password = first.password  # made in bulk: one hash for many accounts
    second.save(update_fields=["password"])
    messages = _check()
    assert _ids(messages) == ["accounts.E002"]
    assert "li_min" in messages[0].msg and "wang_xiaohong" in messages[0].msg


def test_a_demo_username_with_its_own_password_passes(db, settings):
    settings.DEBUG = False
    _account("songhe")
    assert _check() == []


@pytest.mark.parametrize("username", ["admin", "Administrator", "root", "test01", "demo"])
def test_an_active_default_account_name_fails_whatever_its_password(db, settings, username):
    settings.DEBUG = False
    _account(username)
    assert _ids(_check()) == ["accounts.E001"]


def test_a_disabled_default_account_passes(db, settings):
    settings.DEBUG = False
    _account("admin", DEMO_PASSWORD, active=False)
    assert _check() == []


def test_a_debug_site_may_keep_its_demo_accounts(db, settings):
    settings.DEBUG = True
    _account("admin", DEMO_PASSWORD)
    assert _check() == []


def test_check_deploy_reports_the_demo_account_as_an_error(db, settings):
    settings.DEBUG = False
    _account("auditor", DEMO_PASSWORD)
    with pytest.raises(SystemCheckError, match=r"accounts\.E002"):
        call_command("check", "--deploy", "--tag", "accounts", stdout=StringIO())


def test_load_demo_refuses_to_run_in_production(db, settings):
    settings.JINGUO_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="演示数据"):
        call_command("load_demo", villages=0, stdout=StringIO())
    from jinguo.orgs.models import OrgUnit

    assert not OrgUnit.objects.exists()
