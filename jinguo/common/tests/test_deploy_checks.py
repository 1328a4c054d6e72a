"""`jinguo check --deploy` in production: Django's security checks quiet with the production
environment, and no default or demo account able to sign in (accounts.checks)."""

import base64
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from jinguo.accounts.checks import DEMO_PASSWORD, check_no_default_accounts
from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[3]
OWN_PASSWORD = "Another#Secret9"


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
