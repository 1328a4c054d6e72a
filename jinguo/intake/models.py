"""有事您说话: a QR code per village/community or grid, where residents file a request or a
wish without an account, and later rate how it was handled."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.common.fields import EncryptedCharField


def new_token() -> str:
    return secrets.token_urlsafe(16)


class IntakePoint(models.Model):
    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="intake_points")
    # Unguessable: the token is the only key to the public form.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org__path", "-created_at"]

    def __str__(self) -> str:
        return f"{self.org} · {self.token[:6]}"


class Submission(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", _("我有诉求")
        WISH = "wish", _("我有心愿")

    point = models.ForeignKey(IntakePoint, on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    content = models.TextField(_("内容"))
    name = models.CharField(_("称呼"), max_length=50, blank=True, default="")
    phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wish = models.ForeignKey(
        "visits.Wish", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The resident's own key to come back to the status page and rate.
    receipt = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_note = models.CharField(_("评价说明"), max_length=500, blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)  # for abuse review only
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}"
