"""`jinguo check --deploy`: no default or demo account may be able to sign in in production
(等保: default accounts are removed or renamed, default passwords changed).

The rule, with DEBUG off, over active accounts:

- E001: no account carries a name that tools and attackers try first (admin, administrator,
  root, superuser, sa, guest, test…, demo…), whatever its password.
- E002: no account signs in with the published demo password. Checked for the usernames that
  `load_demo` and `generate` create, for the default names above, and for every password hash
  that several accounts share (accounts made in bulk share one hash; a password set through
  the product has its own salt). Checking every other account would cost one PBKDF2 round
  each, minutes on a county's accounts, so they are not tried.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.hashers import check_password, is_password_usable
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError
from django.db.models import Count
from django.utils.translation import gettext as _

DEMO_PASSWORD = "Jinguo@2026"  # noqa: S105 (the published demo password, which must not work)
DEFAULT_NAMES = re.compile(r"^(admin|administrator|root|superuser|sa|guest|test.*|demo.*)$", re.I)
# Accounts of `jinguo generate` (jinguo.demo.generate).
GENERATED_NAMES = re.compile(
    r"^(city_cadre|city_leader|county\d+_cadre|township_cadre|village_chair|grid_member)$"
)
SHOWN = 10  # names listed in a message


# Accounts of `jinguo load_demo`: the demo app registers them when it is loaded
# (jinguo.demo.apps), so that accounts does not import the demo.
_demo_usernames: set[str] = set()


def register_demo_usernames(usernames: Iterable[str]) -> None:
    _demo_usernames.update(usernames)


def demo_usernames() -> set[str]:
    return set(_demo_usernames)


def _names(usernames: Iterable[str]) -> str:
    names = sorted(usernames)
    more = _(" …（共%(count)d个）") % {"count": len(names)} if len(names) > SHOWN else ""
    return "、".join(names[:SHOWN]) + more


def default_account_errors() -> list[CheckMessage]:
    """E001 and E002 over the active accounts (callers decide whether DEBUG matters)."""
    from jinguo.accounts.models import User

    active = User.objects.filter(is_active=True)
    accounts = list(active.values_list("username", "password"))
    defaults = {name for name, _password in accounts if DEFAULT_NAMES.match(name)}
    demo = demo_usernames()
    shared = set(
        active.values("password")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("password", flat=True)
    )
    suspects = [
        (name, encoded)
        for name, encoded in accounts
        if is_password_usable(encoded)
        and (name in demo or name in defaults or GENERATED_NAMES.match(name) or encoded in shared)
    ]
    # check_password without a setter: a check must not rehash and save anybody's password.
    with_demo_password = {
        name for name, encoded in suspects if check_password(DEMO_PASSWORD, encoded)
    }
    errors: list[CheckMessage] = []
    if defaults:
        errors.append(
            Error(
                _("启用中的默认账号：%(names)s") % {"names": _names(defaults)},
                hint=_("生产环境不得保留默认账号：停用或改名（等保要求）。"),
                id="accounts.E001",
            )
        )
    if with_demo_password:
        errors.append(
            Error(
                _("以下账号仍可用演示密码登录：%(names)s") % {"names": _names(with_demo_password)},
                hint=_("生产数据库不得加载演示数据；停用这些账号或为其设置新密码。"),
                id="accounts.E002",
            )
        )
    return errors


@register("accounts", deploy=True)
def check_no_default_accounts(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.DEBUG:
        return []  # a development or demo site is meant to have them
    try:
        return default_account_errors()
    except DatabaseError as exc:
        return [
            Warning(
                _("无法读取账号表，未检查默认账号：%(error)s") % {"error": exc},
                hint=_("先运行 jinguo migrate，再运行 jinguo check --deploy。"),
                id="accounts.W001",
            )
        ]
