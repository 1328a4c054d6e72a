"""Targets of the 三新 work (目标): set by a writer for her unit or one below it, with a history
row and an audit row behind each."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.common import dates
from jinguo.orgs.codes import clean_text
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.sanxin.models import SanxinTarget, SanxinTargetChange
from jinguo.sanxin.services import _raise_if

# --- targets -------------------------------------------------------------------------------------


@transaction.atomic
def sanxin_target_create(
    *,
    actor: User | None,
    org: OrgUnit,
    title: str,
    metric: str,
    target_value: int,
    period_start: dt.date,
    deadline: dt.date,
) -> SanxinTarget:
    """A target for `org`: only a writer whose unit is `org` or one of its ancestors sets it."""
    check_write_at(user=actor, org=org)
    errors: dict[str, list[str]] = {}
    title = clean_text(title)
    if not title:
        errors["title"] = [_("请填写目标名称")]
    if metric not in SanxinTarget.Metric.values:
        errors["metric"] = [_("请选择指标")]
    if not target_value or target_value < 1:
        errors["target_value"] = [_("目标值须为正整数")]
    if period_start and deadline and deadline <= period_start:
        errors["deadline"] = [_("截止日期须晚于起始日期")]
    elif period := dates.period_errors(period_start, deadline):
        errors["deadline"] = period
    _raise_if(errors)
    target = SanxinTarget.objects.create(
        org=org,
        title=title[:100],
        metric=metric,
        target_value=target_value,
        period_start=period_start,
        deadline=deadline,
        created_by=actor,
    )
    new = {
        "org": org.pk,
        "metric": metric,
        "target_value": target_value,
        "period_start": period_start.isoformat(),
        "deadline": deadline.isoformat(),
    }
    record_change(
        SanxinTargetChange,
        target=target,
        actor=actor,
        action="create",
        audit_action="sanxin.target_create",
        new=new,
    )
    return target
