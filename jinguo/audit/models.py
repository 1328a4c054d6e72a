from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.audit.actions import action_label


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")


class AuditEvent(models.Model):
    """Who did what, when, on which record, from where. Append-only.

    The model refuses updates and deletes; on PostgreSQL a trigger refuses them too, so not
    even raw SQL through the application's connection can rewrite history.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text as well, so the row still says who it was if the account is renamed.
    actor_username = models.CharField(_("账号"), max_length=50, blank=True, default="")
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True, default="")
    target_id = models.CharField(_("对象编号"), max_length=40, blank=True, default="")
    target_repr = models.CharField(_("对象"), max_length=200, blank=True, default="")
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=200, blank=True, default="")
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    @property
    def action_label(self) -> str:
        """The action in words (jinguo.audit.actions), or "" for an action without a label."""
        return action_label(self.action)
