"""Reads of the report templates: a unit's own, one that the user may see, and the one that
applies to a unit (the nearest active template of its county or city)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.orgs import tree
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_q
from jinguo.reports.models import ReportTemplate, ReportTemplateChange

# The units that may have their own template: a city and a county (区, 县级市).
TEMPLATE_KINDS = (Kind.CITY, Kind.COUNTY)


def template_list(*, org: OrgUnit) -> QuerySet[ReportTemplate]:
    """The templates of `org` itself, the newest first (the caller checked she may see it)."""
    return ReportTemplate.objects.filter(org=org).select_related("uploaded_by")


def template_get_for_user(
    *, user: User, template_id: int, for_write: bool = False
) -> ReportTemplate:
    """The template if its unit is in the user's scope (404 otherwise); with `for_write`, if
    she writes for that unit (403)."""
    found = (
        ReportTemplate.objects.filter(scope_q(user=user), pk=template_id)
        .select_related("org")
        .first()
    )
    if found is None:
        raise Http404
    if for_write and not may_write_at(user=user, org=found.org):
        raise PermissionDenied
    return found


def template_for_org(*, org: OrgUnit) -> ReportTemplate | None:
    """The template a report of `org` is written through: the active template of the nearest
    county or city at or above it; None for the built-in layout. Readable from below by
    design: a village's report wears its county's 红头."""
    paths = [*tree.ancestor_paths(org.path), org.path]
    return (
        ReportTemplate.objects.filter(
            is_active=True, org__path__in=paths, org__kind__in=TEMPLATE_KINDS
        )
        .order_by("-org__path")
        .first()
    )


def template_history(*, org: OrgUnit) -> QuerySet[ReportTemplateChange]:
    return ReportTemplateChange.objects.filter(template__org=org).select_related(
        "actor", "template"
    )
