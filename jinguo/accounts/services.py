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

from jinguo.accounts import passwords, throttle, totp
from jinguo.accounts.models import AccountRequest, PasswordHistory, User
from jinguo.accounts.roles import ADMIN_ROLES, Role
from jinguo.audit.services import audit_record
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.people.masking import mask_phone
from jinguo.people.phones import PhoneError, parse_phone

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
        "approval": user.approval,
        "full_name": user.full_name,
    }


def _clean_phone(phone: str, errors: dict[str, list[str]]) -> str:
    try:
        return parse_phone(phone)
    except PhoneError as exc:
        errors["phone"] = [str(exc)]
        return ""


def _record_password(user: User) -> None:
    """Keep the hash of the password just set; drop those the history no longer needs."""
    keep = passwords.history_count()
    if keep < 1:
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


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
    """A new account. One the system makes itself (actor None: demo data) works at once; one an
    administrator makes waits for the security administrator's approval (三员分立)."""
    errors = scope_errors(role=role, org=org)
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("用户名已存在")]
    phone = _clean_phone(phone, errors)
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
    user.approval = User.Approval.APPROVED if actor is None else User.Approval.PENDING
    user.save()
    _record_password(user)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={k: [None, v] for k, v in _snapshot(user).items()},
    )
    if actor is not None:
        _request(actor=actor, user=user, kind=AccountRequest.Kind.CREATE, role=role, org=org)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    full_name: str,
    role: str,
    org: OrgUnit | None,
    phone: str | None = None,
) -> User:
    """Change an account's name and phone at once; a new role or org is only asked for, and the
    security administrator's approval applies it (user_request_approve). The system's own
    changes (actor None) apply at once. `phone` None keeps the stored number. Enabling and
    disabling is user_set_active's, the security administrator's."""
    errors = scope_errors(role=role, org=org)
    new_phone = user.phone if phone is None else _clean_phone(phone, errors)
    proposed = (role, org.pk if org else None)
    if proposed != (user.role, user.org_id) and actor is not None and actor.pk == user.pk:
        errors["role"] = [_("不能变更自己账号的角色或所属组织")]
    if errors:
        raise ValidationError(errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    old, old_phone = _snapshot(user), user.phone
    current = (user.role, user.org_id)
    pending = _pending_request(user)
    user.full_name, user.phone = full_name, new_phone
    kind: str | None = None
    unapproved = user.approval != User.Approval.APPROVED
    if actor is None or (unapproved and (proposed != current or pending is None)):
        # The system's own change, or one to an account that does not work yet: its creation
        # is asked for again below (a rejected one too, when saved again), so nothing anyone
        # could use changes here.
        user.role, user.org = role, org
        if actor is not None:
            user.approval, kind = User.Approval.PENDING, AccountRequest.Kind.CREATE
    elif user.approval == User.Approval.APPROVED:
        asked = pending is not None and (pending.role, pending.org_id) == proposed
        kind = AccountRequest.Kind.CHANGE if proposed != current and not asked else None
        if pending is not None and not asked:
            _withdraw(actor=actor, request=pending)
            pending = None
    user.save(update_fields=["full_name", "phone", "role", "org", "approval"])
    _audit_update(actor=actor, user=user, old=old, old_phone=old_phone)
    if kind is not None and actor is not None:
        if pending is not None:
            _withdraw(actor=actor, request=pending)
        before = current if kind == AccountRequest.Kind.CHANGE else ("", None)
        _request(actor=actor, user=user, kind=kind, role=role, org=org, before=before)
    return user


def _audit_update(*, actor: User | None, user: User, old: dict[str, Any], old_phone: str) -> None:
    """The audit row of an account's update: what changed, the phone number masked."""
    new = _snapshot(user)
    changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if user.phone != old_phone:
        changes["phone"] = [mask_phone(old_phone), mask_phone(user.phone)]
    if changes:
        audit_record(actor=actor, action="user.update", target=user, changes=changes)


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
    _record_password(user)
    note = "self" if own else "reset"
    audit_record(actor=actor, action="user.password", target=user, note=note)


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """Enable or disable an account: the security administrator's switch, and hers alone."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied
    if actor.pk == user.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if is_active and user.approval != User.Approval.APPROVED:
        raise ValidationError(_("该账号尚未批准，请先在“待审批”中批准。"))
    if user.is_active == is_active:
        return user
    old = user.is_active
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="user.active", target=user, changes={"is_active": [old, is_active]}
    )
    return user


# --- approval of accounts and role grants (三员分立) ------------------------------------------


def _pending_request(user: User) -> AccountRequest | None:
    return AccountRequest.objects.filter(user=user, status=AccountRequest.Status.PENDING).first()


def _request_changes(request: AccountRequest) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {"role": [request.old_role or None, request.role]}
    if request.old_org_id != request.org_id:
        changes["org"] = [request.old_org_id, request.org_id]
    return changes


def _request(
    *,
    actor: User,
    user: User,
    kind: str,
    role: str,
    org: OrgUnit | None,
    before: tuple[str, int | None] = ("", None),
) -> AccountRequest:
    old_role, old_org = before
    request = AccountRequest.objects.create(
        user=user,
        kind=kind,
        role=role,
        org=org,
        old_role=old_role,
        old_org_id=old_org,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="user.request",
        target=user,
        changes=_request_changes(request),
        note=kind,
    )
    return request


def _withdraw(*, actor: User, request: AccountRequest) -> None:
    """A request asked for again differently: the old one can no longer be approved."""
    request.status = AccountRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action="user.request_withdraw",
        target=request.user,
        changes={"status": [AccountRequest.Status.PENDING, AccountRequest.Status.WITHDRAWN]},
        note=request.kind,
    )


def _decidable(*, actor: User, request_id: int) -> AccountRequest:
    """The pending request `actor` may decide, locked; nobody decides her own request or one
    about her own account, so no one grants a role to an account she can sign in with."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied
    request = (
        AccountRequest.objects.select_for_update().select_related("user").filter(pk=request_id)
    ).first()
    if request is None or request.status != AccountRequest.Status.PENDING:
        raise ValidationError(_("该申请已处理或已撤回，请刷新页面。"))
    if request.requested_by_id == actor.pk:
        raise ValidationError(_("不能审批自己提出的申请。"))
    if request.user_id == actor.pk:
        raise ValidationError(_("不能审批涉及自己账号的申请。"))
    return request


@transaction.atomic
def user_request_approve(
    *, actor: User, request_id: int, totp_secret: str = "", code: str = ""
) -> AccountRequest:
    """The security administrator approves: the account works, or gets its new role and org.

    An administrator role (三员) is granted only with a second factor she enrols for the
    account there and then, on its owner's phone in person (`totp_secret` proven by `code`),
    replacing any it had: the system administrator, who chose the first password, cannot
    sign in with it, and she, who saw the code, does not know the password."""
    request = _decidable(actor=actor, request_id=request_id)
    errors = scope_errors(role=request.role, org=request.org)
    if errors:
        raise ValidationError([m for messages in errors.values() for m in messages])
    step = totp.matching_step(totp_secret, code) if totp_secret else None
    if request.grants_admin and step is None:
        raise ValidationError(
            {
                "code": [
                    _(
                        "授予管理员角色须当面为该账号绑定动态口令：请本人用手机验证器扫码，"
                        "并输入显示的6位数字。"
                    )
                ]
            }
        )
    user = User.objects.select_for_update().get(pk=request.user_id)
    old = _snapshot(user)
    user.role, user.org, user.approval = request.role, request.org, User.Approval.APPROVED
    fields = ["role", "org", "approval"]
    if request.grants_admin and step is not None:
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = (
            totp_secret,
            timezone.now(),
            step,
        )
        fields += ["totp_secret", "totp_enabled_at", "totp_last_step"]
    user.save(update_fields=fields)
    new = _snapshot(user)
    request.status, request.decided_by = AccountRequest.Status.APPROVED, actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    in_person = " totp enrolled in person" if "totp_secret" in fields else ""
    audit_record(
        actor=actor,
        action="user.approve",
        target=user,
        changes={k: [old[k], new[k]] for k in new if old[k] != new[k]},
        note=f"{request.kind}{in_person}",
    )
    return request


@transaction.atomic
def user_request_reject(*, actor: User, request_id: int, note: str = "") -> AccountRequest:
    """The security administrator refuses: nothing of the request applies; a new account stays
    unusable (the system administrator may ask again, and she decides again)."""
    request = _decidable(actor=actor, request_id=request_id)
    changes: dict[str, list[Any]] = {
        "status": [AccountRequest.Status.PENDING, AccountRequest.Status.REJECTED]
    }
    if request.kind == AccountRequest.Kind.CREATE:
        User.objects.filter(pk=request.user_id).update(approval=User.Approval.REJECTED)
        changes["approval"] = [User.Approval.PENDING, User.Approval.REJECTED]
    request.status, request.decided_by = AccountRequest.Status.REJECTED, actor
    request.decided_at, request.note = timezone.now(), note.strip()[:200]
    request.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit_record(
        actor=actor,
        action="user.reject",
        target=request.user,
        changes=changes,
        note=f"{request.kind} {request.note}".strip(),
    )
    return request


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
