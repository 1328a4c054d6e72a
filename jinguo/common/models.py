"""Model pieces shared by the apps."""

from django.conf import settings
from django.db import models


class ChangeRow(models.Model):
    """The common part of a history row: who, when, old → new. Each app's change model adds the
    record it belongs to, its `action` (with the app's own choices) and, where it wants, a note."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)

    class Meta:
        abstract = True
