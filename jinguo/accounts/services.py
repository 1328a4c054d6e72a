"""Writes to accounts. Role and scope changes are written to the audit log with old and new."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts import throttle, totp
from jinguo.accounts.models import User
from jinguo.accounts.roles import ADMIN_ROLES, Role
from jinguo.audit.services import audit_record
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit

_GRID_KINDS = (Kind.GRID, Kind.MICRO_GRID)


def scope_errors(*, role: str, org: OrgUnit | None) -> dict[str, list[str]]:
    if role in ADMIN_ROLES:
        return {"org": [_("三员管理员不属于任何组织，不能查看业务数据")]} if org else {}
    if org is None:
        return {"org": [_("请选择该用户负责的组织")]}
    if not org.is_active:
        return {"org": [_("该组织已撤销或合并")]}
    if role == Role.GRID_MEMBER and org.kind not in _GRID_KINDS:
        return {"org": [_("网格执委的所属组织必须是网格或微网格")]}
    return {}


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "role": user.role,
        "org": user.org_id,
        "is_active": user.is_active,
        "full_name": user.full_name,
    }


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: str,
    org: OrgUnit | None,
    password: str,
    phone: str = "",
) -> User:
    errors = scope_errors(role=role, org=org)
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("用户名已存在")]
    user = User(username=username, full_name=full_name, role=role, org=org, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    # A password an administrator chose is known to two people: its owner must replace it at
    # her first login. Accounts the system creates itself (demo data) start with a fresh one.
    user.password_changed_at = timezone.now() if actor is None else None
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={k: [None, v] for k, v in _snapshot(user).items()},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    role: str,
    org: OrgUnit | None,
    is_active: bool,
    phone: str = "",
) -> User:
    errors = scope_errors(role=role, org=org)
    if errors:
        raise ValidationError(errors)
    old = _snapshot(user)
    user.full_name, user.role, user.org, user.is_active, user.phone = (
        full_name,
        role,
        org,
        is_active,
        phone,
    )
    user.save(update_fields=["full_name", "role", "org", "is_active", "phone"])
    new = _snapshot(user)
    changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if changes:
        audit_record(actor=actor, action="user.update", target=user, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from None
    own = actor.pk == user.pk
    user.set_password(password)
    # A reset by an administrator must be replaced by its owner at the next login.
    user.password_changed_at = timezone.now() if own else None
    user.save(update_fields=["password", "password_changed_at"])
    note = "self" if own else "reset"
    audit_record(actor=actor, action="user.password", target=user, note=note)


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Enable or disable an account (the security administrator's switch)."""
    if user.is_active == is_active:
        return user
    old = user.is_active
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="user.active", target=user, changes={"is_active": [old, is_active]}
    )
    return user


def login_failed(*, username: str, ip: str | None = None) -> User | None:
    """Count a failed login; lock the account for LOGIN_LOCK_MINUTES after LOGIN_MAX_FAILURES
    in a row (等保). The counter is updated in SQL so parallel attempts all count. The address,
    the name and the site count it too (accounts.throttle), whether the name exists or not."""
    throttle.login_failure_note(ip=ip, username=username)
    user = User.objects.filter(username=username).first()
    if user is None:
        audit_record(actor=None, action="auth.login_failed", username=username)
        return None
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    audit_record(actor=user, action="auth.login_failed", note=f"{user.failed_logins}")
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES and not user.is_locked(timezone.now()):
        user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        user.save(update_fields=["locked_until"])
        audit_record(actor=user, action="auth.locked", note=f"until {user.locked_until:%H:%M}")
    return user


def login_captcha_failed(*, username: str, ip: str | None) -> None:
    """A login whose picture code was missing or wrong: the password was not checked, so the
    account's own counter is left alone; the address and the site count it."""
    throttle.login_failure_note(ip=ip, username=username, count_name=False)
    audit_record(actor=None, action="auth.login_failed", username=username, note="captcha")


def login_succeeded(*, user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    throttle.login_success_note(username=user.username)
    audit_record(actor=user, action="auth.login")


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    """The security administrator lifts a lock before it runs out."""
    old = user.locked_until
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(
        actor=actor,
        action="user.unlock",
        target=user,
        changes={"locked_until": [str(old) if old else None, None]},
    )
    return user


# --- second factor (TOTP) ------------------------------------------------------------------------


def _bad_code() -> ValidationError:
    message = _("动态口令不正确或已使用，请输入验证器上最新显示的6位数字。")
    return ValidationError({"code": [message]})


@transaction.atomic
def user_totp_enable(*, actor: User, user: User, secret: str, code: str) -> User:
    """Turn the second factor on with `secret`, proven by a current code from her app."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise _bad_code()
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, timezone.now(), step
    user.save(update_fields=["totp_secret", "totp_enabled_at", "totp_last_step"])
    audit_record(actor=actor, action="user.totp_enable", target=user)
    return user


@transaction.atomic
def user_totp_disable(*, actor: User, user: User, code: str) -> User:
    """A user turns her own second factor off with a current code; administrators cannot."""
    if user.is_admin_role:
        raise ValidationError({"code": [_("管理员账号必须使用动态口令，不能关闭。")]})
    if not totp_verify(user=user, code=code):
        raise _bad_code()
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = "", None, 0
    user.save(update_fields=["totp_secret", "totp_enabled_at", "totp_last_step"])
    audit_record(actor=actor, action="user.totp_disable", target=user)
    return user


@transaction.atomic
def user_totp_reset(*, actor: User, user: User) -> User:
    """The security administrator clears a lost authenticator; she enrols again at next login
    (administrators must; others may)."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = "", None, 0
    user.save(update_fields=["totp_secret", "totp_enabled_at", "totp_last_step"])
    audit_record(actor=actor, action="user.totp_reset", target=user)
    return user


def totp_verify(*, user: User, code: str) -> bool:
    """True for a current code not used before. The step is moved forward with a conditional
    UPDATE, so two requests with the same code cannot both pass."""
    if not user.has_totp:
        return False
    step = totp.matching_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    return claimed == 1
