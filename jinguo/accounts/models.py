from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.accounts.roles import ADMIN_ROLES, BUSINESS_ROLES, WRITE_ROLES, Role
from jinguo.common.fields import EncryptedCharField
from jinguo.people.masking import mask_phone


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username=username)

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> "User":
        # Only for Django's own machinery (createsuperuser, tests of the admin): the product
        # creates accounts through accounts.services.user_create, which audits.
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("role", Role.SYSTEM_ADMIN)
        return self.create_user(username, password, **extra)


class Approval(models.TextChoices):
    """Whether an account may be used: one the system administrator made waits for the security
    administrator (三员分立); one the system made itself (demo data, `createsuperuser`) does not."""

    APPROVED = "approved", _("已生效")
    PENDING = "pending", _("待安全管理员批准")
    REJECTED = "rejected", _("已驳回")


class User(AbstractBaseUser):
    """An account. Business roles act inside `org`'s subtree; administrators have no org."""

    Role = Role
    Approval = Approval

    username = models.CharField(
        _("用户名"), max_length=50, unique=True, validators=[UnicodeUsernameValidator()]
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    # Encrypted at rest like residents' phones (common.crypto); shown masked (masked_phone).
    phone = EncryptedCharField(_("手机号"), blank=True, default="")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # The executive this account belongs to: a grid member sees the households she is assigned.
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("对应人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # db_default too: `jinguo generate` writes accounts with raw COPY/INSERT and no such column.
    approval = models.CharField(
        _("审批状态"),
        max_length=10,
        choices=Approval.choices,
        default=Approval.APPROVED,
        db_default=Approval.APPROVED,
    )
    date_joined = models.DateTimeField(_("创建时间"), auto_now_add=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    failed_logins = models.PositiveIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    # Second factor (TOTP). The secret is encrypted at rest like ID numbers; the last accepted
    # step is kept so that a code, once used, cannot be replayed within its 90 seconds.
    totp_secret = EncryptedCharField(_("动态口令密钥"), blank=True, default="")
    totp_enabled_at = models.DateTimeField(_("启用动态口令时间"), null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")
        ordering = ["username"]
        constraints = [
            # A business role without an org would see nothing or, worse, be mistaken for
            # a national account; an administrator with one would mix the 三员 with the work.
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(BUSINESS_ROLES), org__isnull=False)
                    | Q(role__in=sorted(ADMIN_ROLES), org__isnull=True)
                ),
                name="user_org_matches_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）"

    @property
    def is_staff(self) -> bool:
        """Django admin is for the system administrator only."""
        return self.can_sign_in and self.role == Role.SYSTEM_ADMIN

    @property
    def can_sign_in(self) -> bool:
        """Enabled by the security administrator and, if an administrator made it, approved."""
        return self.is_active and self.approval == Approval.APPROVED

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def has_business_scope(self) -> bool:
        return self.role in BUSINESS_ROLES and self.org_id is not None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def needs_totp_setup(self) -> bool:
        """Administrators must use a second factor (等保 level 3); others may choose to."""
        return self.is_admin_role and not self.has_totp

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def password_expired(self, now: datetime) -> bool:
        """True when the password is older than PASSWORD_MAX_AGE_DAYS (or was never set by
        its owner through the product)."""
        if self.password_changed_at is None:
            return True
        return now - self.password_changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        # Django's per-model permissions are not used: roles decide (see common.admin).
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class AccountRequest(models.Model):
    """A new account, or a new role or org for one, that an administrator asked for and the
    security administrator approves or rejects (三员分立). Until it is approved none of it
    applies: a new account cannot sign in and an existing one keeps its role and org."""

    class Kind(models.TextChoices):
        CREATE = "create", _("新建账号")
        CHANGE = "change", _("变更角色或组织")

    class Status(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回")

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="requests"
    )
    kind = models.CharField(_("申请类型"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("申请角色"), max_length=20, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("申请组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_role = models.CharField(_("原角色"), max_length=20, choices=Role.choices, blank=True)
    old_org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("原组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.CharField(_("审批意见"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("账号审批")
        verbose_name_plural = pgettext_lazy("plural", "账号审批")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_request_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user.username}"

    @property
    def grants_admin(self) -> bool:
        """An administrator role (三员): approved only with a second factor enrolled in person."""
        return self.role in ADMIN_ROLES


class PasswordHistory(models.Model):
    """The hashes (never the passwords) of an account's last passwords, the current one
    included: accounts.passwords.PasswordHistoryValidator refuses them again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
