"""Reads of import jobs, limited to the caller's scope."""

from django.db.models import QuerySet
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.imports.models import ImportJob
from jinguo.orgs.selectors import scope_q


def import_job_list(*, user: User) -> QuerySet[ImportJob]:
    """The user's own jobs into units she still sees, newest first."""
    return (
        ImportJob.objects.filter(scope_q(user=user, field="org"), created_by=user)
        .select_related("org")
        .order_by("-created_at", "-pk")
    )


def import_job_get_for_user(*, user: User, job_id: int) -> ImportJob:
    """A job into a unit the user sees (404 otherwise, the same as a missing one)."""
    try:
        return ImportJob.objects.select_related("org", "created_by").get(
            scope_q(user=user, field="org"), pk=job_id
        )
    except ImportJob.DoesNotExist:
        raise Http404 from None
