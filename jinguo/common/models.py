"""Model pieces shared by the apps."""

from django.conf import settings
from django.db import models

NOTE_LENGTH = 500


class HistoryRow(models.Model):
    """The common part of every history row: who, when, which action, and why. Each app's
    change model adds the record it belongs to (and may redeclare `action` with its own
    choices); the "from → to" part comes from StatusChange or ChangeRow.
    audit.history.record_change writes one together with its audit row."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40, blank=True, default="")
    note = models.CharField(max_length=NOTE_LENGTH, blank=True, default="")

    class Meta:
        abstract = True


class StatusChange(HistoryRow):
    """A history row of a status transition: from_status → to_status."""

    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20)

    class Meta:
        abstract = True


class ChangeRow(HistoryRow):
    """A history row of a field diff: the old and new values of what changed."""

    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)

    class Meta:
        abstract = True
