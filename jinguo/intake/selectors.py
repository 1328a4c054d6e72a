"""Reads of the intake. Staff see the points of their scope; the public reaches a point or a
submission only through its unguessable token."""

from django.db.models import QuerySet
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.intake.models import IntakePoint, Submission
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import scope_q


def point_list(*, user: User, org: OrgUnit) -> QuerySet[IntakePoint]:
    """Points under `org` (which the caller fetched through org_get_for_user), in scope."""
    return (
        IntakePoint.objects.filter(scope_q(user=user), org.subtree_q("org__"))
        .select_related("org")
        .order_by("org__path", "-created_at")
    )


def point_get_for_user(*, user: User, point_id: int) -> IntakePoint:
    try:
        return IntakePoint.objects.filter(scope_q(user=user)).select_related("org").get(pk=point_id)
    except IntakePoint.DoesNotExist:
        raise Http404 from None


def point_get_public(*, token: str) -> IntakePoint:
    try:
        return IntakePoint.objects.select_related("org").get(token=token, is_active=True)
    except IntakePoint.DoesNotExist:
        raise Http404 from None


def submission_get_by_receipt(*, receipt: str) -> Submission:
    try:
        return Submission.objects.select_related("case", "wish", "point__org").get(receipt=receipt)
    except Submission.DoesNotExist:
        raise Http404 from None
