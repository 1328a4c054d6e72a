"""Writes of the report templates: upload (checked against a sample report before anything is
saved), activate (the unit's one active template) and deactivate. Each writes one history row
with its audit row; only the writers of a city or county (orgs.selectors.check_write_at) may.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.reports.document_data import period_label
from jinguo.reports.models import ReportTemplate, ReportTemplateChange
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.selectors import TEMPLATE_KINDS
from jinguo.reports.template_sample import sample_report
from jinguo.reports.templating import (
    TemplateRefused,
    render_template,
    section_figures,
    template_context,
)

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_NAME = 100


def _record(
    *, actor: User, template: ReportTemplate, action: str, old: dict[str, Any], new: dict[str, Any]
) -> None:
    record_change(
        ReportTemplateChange,
        target=template,
        actor=actor,
        action=action,
        audit_action=f"report_template.{action}",
        old=old,
        new=new,
        note=template.name,
    )


def _check_org(*, actor: User, org: OrgUnit) -> None:
    check_write_at(user=actor, org=org)
    if org.kind not in TEMPLATE_KINDS:
        raise PermissionDenied


def template_errors(*, actor: User, org: OrgUnit, content: bytes) -> list[str]:
    """Why `content` cannot be the unit's template: too large, not a .docx, or its tags fail on
    a sample report with the unit's figures of this year (every figure key the dashboard has)."""
    if not content:
        return [_("文件是空的，请检查后重新选择")]
    if len(content) > MAX_TEMPLATE_BYTES:
        return [
            _("文件太大（%(size)s），上限为%(limit)s")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(MAX_TEMPLATE_BYTES)}
        ]
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    sections = dashboard_sections(user=actor, org=org, start=start, end=today)
    context = template_context(
        sample_report(org.name),
        org=org.name,
        period=period_label(start, today, today=today),
        figures=section_figures(sections),
    )
    try:
        render_template(content, context)
    except TemplateRefused as exc:
        return [str(exc)]
    return []


@transaction.atomic
def template_upload(
    *,
    actor: User,
    org: OrgUnit,
    name: str,
    content: bytes,
    filename: str = "",
    activate: bool = False,
) -> ReportTemplate:
    """A new template of `org` (a city or county), after it rendered a sample report without
    error; ValidationError (nothing saved) otherwise. Active at once with `activate`."""
    _check_org(actor=actor, org=org)
    name = name.strip()[:MAX_NAME]
    if not name:
        raise ValidationError({"name": [_("请填写模板名称。")]})
    errors = template_errors(actor=actor, org=org, content=content)
    if errors:
        raise ValidationError({"file": errors})
    template = ReportTemplate(org=org, name=name, uploaded_by=actor, original_name=filename[-255:])
    template.file.save("template.docx", ContentFile(content), save=False)
    template.save()
    _record(
        actor=actor,
        template=template,
        action=ReportTemplateChange.Action.UPLOAD,
        old={},
        new={"name": name, "org": org.pk, "file": template.original_name},
    )
    if activate:
        template_activate(actor=actor, template=template)
    return template


@transaction.atomic
def template_activate(*, actor: User, template: ReportTemplate) -> ReportTemplate:
    """The unit's reports are written through `template` from now on (its other one stops)."""
    _check_org(actor=actor, org=template.org)
    template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    if template.is_active:
        return template
    for other in ReportTemplate.objects.select_for_update().filter(
        org_id=template.org_id, is_active=True
    ):
        template_deactivate(actor=actor, template=other)
    template.is_active = True
    template.save(update_fields=["is_active"])
    _record(
        actor=actor,
        template=template,
        action=ReportTemplateChange.Action.ACTIVATE,
        old={"is_active": False},
        new={"is_active": True},
    )
    return template


@transaction.atomic
def template_deactivate(*, actor: User, template: ReportTemplate) -> ReportTemplate:
    """The unit's reports go back to the built-in layout (or a higher unit's template)."""
    _check_org(actor=actor, org=template.org)
    template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_active:
        return template
    template.is_active = False
    template.save(update_fields=["is_active"])
    _record(
        actor=actor,
        template=template,
        action=ReportTemplateChange.Action.DEACTIVATE,
        old={"is_active": True},
        new={"is_active": False},
    )
    return template
