"""The closed loop of a case. Every action locks the case row, checks that the current status
allows it, changes the case, and writes one CaseTransition and one audit row.

Flow: 上报 reported → 受理 accepted (or 不予受理 rejected) → 派单 dispatched → 处置中 in_progress
→ 办结反馈 resolved → 核查 verified (a failed check goes back to in_progress) → 结案 closed →
回访评价 rated. Side actions: delay (extends due_at by working days), return (dispatched or
in_progress → accepted: back to the dispatcher, assignee cleared), escalate (the parent unit
takes over; status back to reported so that it accepts the case itself), supervise (yellow/red).
"""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.cases import workdays
from jinguo.cases.handlers import case_handler_error
from jinguo.cases.models import (
    ALLOWED,
    DISPUTE_KINDS,
    HIGH_RISK_KINDS,
    Case,
    CaseKind,
    CaseParticipant,
    CaseTransition,
    MediationAgreement,
    TimeLimitRule,
)
from jinguo.common.idempotency import once
from jinguo.households.models import Household
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import check_write_at
from jinguo.people.models import Person

DEFAULT_WORKING_DAYS = 10  # when no rule matches: the disputes' default
WARNING_SHARE = 0.3  # warn when less than 30 % of the time limit is left


def allowed_actions(case: Case) -> list[str]:
    """Actions the case's current status allows (escalation also needs a parent unit)."""
    actions = [action for action, statuses in ALLOWED.items() if case.status in statuses]
    if CaseTransition.Action.AGREEMENT in actions and case.kind not in DISPUTE_KINDS:
        actions.remove(CaseTransition.Action.AGREEMENT)
    if CaseTransition.Action.ESCALATE in actions and _territorial_parent(case.org) is None:
        actions.remove(CaseTransition.Action.ESCALATE)
    return actions


# --- time limits -------------------------------------------------------------------------------


def working_days_for(*, kind: str, org: OrgUnit) -> int:
    """The rule for this kind at the unit's level, else the kind's any-level rule."""
    rules = {r.level: r.working_days for r in TimeLimitRule.objects.filter(kind=kind)}
    if org.level in rules:
        return rules[org.level]
    return rules.get(None, DEFAULT_WORKING_DAYS)


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _set_clock(case: Case, *, start: dt.datetime, working_days: int) -> None:
    local_start = timezone.localtime(start).date()
    case.clock_started_at = start
    case.due_at = _end_of_day(workdays.add_working_days_loaded(local_start, working_days))
    _set_warning(case)


def _set_warning(case: Case) -> None:
    span = case.due_at - case.clock_started_at
    case.warn_at = case.due_at - span * WARNING_SHARE


# --- the common frame of every action ------------------------------------------------------------


def _check_actor(actor: User | None, org: OrgUnit) -> None:
    """The actor must be allowed to write at `org` (None: the system itself)."""
    check_write_at(user=actor, org=org)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("org").get(pk=case.pk)


def _check_allowed(case: Case, action: str) -> None:
    if case.status not in ALLOWED[action]:
        raise ValidationError(
            _("案件当前状态为「%(status)s」，不能执行「%(action)s」")
            % {"status": case.get_status_display(), "action": CaseTransition.Action(action).label}
        )


def _record(
    *, actor: User | None, case: Case, action: str, from_status: str, note: str = "", **changes: Any
) -> CaseTransition:
    return record_change(
        CaseTransition,
        target=case,
        actor=actor,
        action=action,
        audit_action=f"case.{action}",
        note=note,
        from_status=from_status,
        to_status=case.status,
        changes={"status": [from_status, case.status], **changes},
    )


def _act(
    action: str,
    /,
    *,
    actor: User | None,
    case: Case,
    change: Callable[[Case], dict[str, Any]],
    note: str = "",
) -> Case:
    """Lock, check, apply `change` (which returns the audit changes), save, record."""
    with transaction.atomic():
        locked = _lock(case)
        _check_actor(actor, locked.org)
        _check_allowed(locked, action)
        from_status = locked.status
        changes = change(locked)
        locked.save()
        _record(
            actor=actor, case=locked, action=action, from_status=from_status, note=note, **changes
        )
    return locked


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


# --- report ---------------------------------------------------------------------------------


def _territorial_parent(org: OrgUnit) -> OrgUnit | None:
    """The parent one territorial level up; None at the city (or off the territorial tree)."""
    parent = org.parent
    if parent is None or not parent.is_territorial:
        return None
    return parent


def _report_errors(*, org: OrgUnit, kind: str, title: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in CaseKind.values:
        errors["kind"] = [_("请选择案件类型")]
    if not title.strip():
        errors["title"] = [_("请填写标题")]
    if not org.is_territorial or not org.is_active:
        errors["org"] = [_("案件只能由有效的地域组织上报")]
    return errors


def case_report(
    *,
    actor: User | None,
    org: OrgUnit,
    kind: str,
    title: str,
    description: str = "",
    household: Household | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    source: str = "staff",
    sensitive: bool = False,
    now: dt.datetime | None = None,  # back-dates clock, creation and history (not the audit)
    client_id: uuid.UUID | None = None,  # made on the phone: a resent report is stored once
) -> Case:
    """A new case at `org`. Domestic violence is high risk: it goes one level up at once, under
    red supervision, and is always sensitive (never named in a report's notable cases)."""

    def create() -> Case:
        if errors := _report_errors(org=org, kind=kind, title=title):
            raise ValidationError(errors)
        _check_actor(actor, org)
        with transaction.atomic():
            case = Case(
                number=uuid.uuid4().hex[:20],  # replaced below, once the id is known
                kind=kind,
                org=org,
                origin_org=org,
                household=household,
                reporter_name=reporter_name.strip(),
                reporter_phone=reporter_phone.strip(),
                source=source,
                title=title.strip(),
                description=description.strip(),
                reported_by=actor,
                sensitive=sensitive or kind in HIGH_RISK_KINDS,
                client_id=client_id,
            )
            start = now or timezone.now()
            _set_clock(case, start=start, working_days=working_days_for(kind=kind, org=org))
            case.save()
            # The id makes the number unique without a counter to lock.
            case.number = f"JF{timezone.localtime(start).year}-{case.pk:06d}"
            case.save(update_fields=["number"])
            _record(
                actor=actor,
                case=case,
                action=CaseTransition.Action.REPORT,
                from_status="",
                note=title.strip(),
            )
            if case.is_high_risk:
                _escalate_high_risk(case)
            if now is not None:  # auto_now_add wrote the real time
                Case.objects.filter(pk=case.pk).update(created_at=now)
                CaseTransition.objects.filter(case=case).update(at=now)
        return case

    # A concurrent twin (the same client_id at the same moment) is answered with the twin.
    return once(Case, client_id=client_id, actor=actor, by="reported_by", create=create)


def _escalate_high_risk(case: Case) -> None:
    parent = _territorial_parent(case.org)
    note = _("家庭暴力属高风险案件，立即上报上级并红牌督办")
    if parent is not None:
        old = case.org.name
        case.org = parent
        case.supervision = Case.Supervision.RED
        case.save(update_fields=["org", "supervision", "updated_at"])
        _record(
            actor=None,
            case=case,
            action=CaseTransition.Action.ESCALATE,
            from_status=case.status,
            note=note,
            org=[old, parent.name],
            supervision=["none", "red"],
        )
    else:
        case.supervision = Case.Supervision.RED
        case.save(update_fields=["supervision", "updated_at"])
        _record(
            actor=None,
            case=case,
            action=CaseTransition.Action.SUPERVISE,
            from_status=case.status,
            note=note,
            supervision=["none", "red"],
        )


# --- the loop ----------------------------------------------------------------------------------


def case_accept(*, actor: User | None, case: Case, note: str = "") -> Case:
    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.ACCEPTED
        return {}

    return _act(CaseTransition.Action.ACCEPT, actor=actor, case=case, change=change, note=note)


def case_reject(*, actor: User | None, case: Case, reason: str) -> Case:
    reason = _required(reason, "reason", _("不予受理须说明理由"))

    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.REJECTED
        c.closed_at = timezone.now()
        return {}

    return _act(CaseTransition.Action.REJECT, actor=actor, case=case, change=change, note=reason)


def _check_handler(case: Case, person: Person, field: str) -> None:
    error = case_handler_error(case=case, person=person)
    if error:
        raise ValidationError({field: [error]})


def case_dispatch(*, actor: User | None, case: Case, assignee: Person, note: str = "") -> Case:
    _check_handler(case, assignee, "assignee")

    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.DISPATCHED
        c.assignee = assignee
        return {"assignee": [None, assignee.name]}

    return _act(CaseTransition.Action.DISPATCH, actor=actor, case=case, change=change, note=note)


def case_start(*, actor: User | None, case: Case, note: str = "") -> Case:
    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.IN_PROGRESS
        return {}

    return _act(CaseTransition.Action.START, actor=actor, case=case, change=change, note=note)


def case_request_delay(*, actor: User | None, case: Case, days: int, reason: str) -> Case:
    """Extend the deadline by `days` working days (1–30), with a reason."""
    reason = _required(reason, "reason", _("申请延期须说明理由"))
    if not 1 <= days <= 30:
        raise ValidationError({"days": [_("延期天数应在 1 到 30 个工作日之间")]})

    def change(c: Case) -> dict[str, Any]:
        old = c.due_at
        day = workdays.add_working_days_loaded(timezone.localtime(c.due_at).date(), days)
        c.due_at = _end_of_day(day)
        _set_warning(c)
        return {"due_at": [old.isoformat(), c.due_at.isoformat()], "days": days}

    note = _("延期 %(days)s 个工作日：%(reason)s") % {"days": days, "reason": reason}
    return _act(CaseTransition.Action.DELAY, actor=actor, case=case, change=change, note=note)


def case_return(*, actor: User | None, case: Case, reason: str) -> Case:
    """The assignee hands the case back to the dispatcher (→ accepted, to dispatch again)."""
    reason = _required(reason, "reason", _("退回须说明理由"))

    def change(c: Case) -> dict[str, Any]:
        old = c.assignee.name if c.assignee else None
        c.status = Case.Status.ACCEPTED
        c.assignee = None
        return {"assignee": [old, None]}

    return _act(CaseTransition.Action.RETURN, actor=actor, case=case, change=change, note=reason)


def case_resolve(*, actor: User | None, case: Case, outcome: str, note: str = "") -> Case:
    valid = [v for v in Case.Outcome.values if v]
    if outcome not in valid and not (outcome == "" and case.kind not in DISPUTE_KINDS):
        raise ValidationError({"outcome": [_("请选择调解结果")]})

    def change(c: Case) -> dict[str, Any]:
        old = c.outcome
        c.status = Case.Status.RESOLVED
        c.outcome = outcome
        c.resolved_at = timezone.now()
        return {"outcome": [old, outcome]}

    return _act(CaseTransition.Action.RESOLVE, actor=actor, case=case, change=change, note=note)


def case_verify(*, actor: User | None, case: Case, passed: bool, note: str = "") -> Case:
    """核查: passed → verified; failed → back to in_progress (a note says what is missing)."""
    if not passed:
        note = _required(note, "note", _("核查不通过须说明原因"))

    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.VERIFIED if passed else Case.Status.IN_PROGRESS
        return {"passed": passed}

    return _act(CaseTransition.Action.VERIFY, actor=actor, case=case, change=change, note=note)


def case_close(*, actor: User | None, case: Case, note: str = "") -> Case:
    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.CLOSED
        c.closed_at = timezone.now()
        return {}

    return _act(CaseTransition.Action.CLOSE, actor=actor, case=case, change=change, note=note)


def case_rate(*, actor: User | None, case: Case, satisfaction: int, note: str = "") -> Case:
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": [_("满意度应为 1 到 5")]})

    def change(c: Case) -> dict[str, Any]:
        c.status = Case.Status.RATED
        c.satisfaction = satisfaction
        return {"satisfaction": [None, satisfaction]}

    return _act(CaseTransition.Action.RATE, actor=actor, case=case, change=change, note=note)


def case_escalate(*, actor: User | None, case: Case, reason: str) -> Case:
    """上报上级: the parent unit takes the case over (never above the city); it accepts it
    itself, with the time limit of its level counted from now."""
    reason = _required(reason, "reason", _("上报上级须说明理由"))

    def change(c: Case) -> dict[str, Any]:
        parent = _territorial_parent(c.org)
        if parent is None:
            raise ValidationError(_("已是最高一级，不能再上报"))
        old = c.org.name
        c.org, c.status, c.assignee = parent, Case.Status.REPORTED, None
        _set_clock(c, start=timezone.now(), working_days=working_days_for(kind=c.kind, org=parent))
        return {"org": [old, parent.name]}

    return _act(CaseTransition.Action.ESCALATE, actor=actor, case=case, change=change, note=reason)


def case_supervise(*, actor: User | None, case: Case, level: str, note: str = "") -> Case:
    if level not in (Case.Supervision.YELLOW, Case.Supervision.RED):
        raise ValidationError({"level": [_("请选择黄牌或红牌督办")]})

    def change(c: Case) -> dict[str, Any]:
        old = c.supervision
        c.supervision = level
        return {"supervision": [old, level]}

    return _act(CaseTransition.Action.SUPERVISE, actor=actor, case=case, change=change, note=note)


def case_add_participant(
    *, actor: User | None, case: Case, person: Person, role: str
) -> CaseParticipant:
    if role not in CaseParticipant.Role.values:
        raise ValidationError({"role": [_("请选择参与角色")]})
    _check_handler(case, person, "person")
    if CaseParticipant.objects.filter(case=case, person=person).exists():
        raise ValidationError({"person": [_("该执委已在参与名单中")]})
    row: list[CaseParticipant] = []

    def change(c: Case) -> dict[str, Any]:
        row.append(CaseParticipant.objects.create(case=c, person=person, role=role))
        return {"participant": [None, person.name], "role": role}

    note = f"{person.name}（{CaseParticipant.Role(role).label}）"
    _act(CaseTransition.Action.PARTICIPANT, actor=actor, case=case, change=change, note=note)
    return row[0]


AGREEMENT_FIELDS = ("parties", "facts", "terms", "performance", "signed_on")


def _agreement_errors(*, case: Case, parties: str, facts: str, terms: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if case.kind not in DISPUTE_KINDS:
        errors["case"] = [_("只有矛盾纠纷才有调解协议书")]
    if len([line for line in parties.splitlines() if line.strip()]) < 2:
        errors["parties"] = [_("请填写至少两方当事人，每行一人")]
    if not facts.strip():
        errors["facts"] = [_("请填写纠纷主要事实、争议事项")]
    if not terms.strip():
        errors["terms"] = [_("请填写协议内容")]
    return errors


def case_save_agreement(
    *,
    actor: User | None,
    case: Case,
    parties: str,
    facts: str,
    terms: str,
    performance: str,
    signed_on: dt.date,
) -> MediationAgreement:
    """Write or correct the people's mediation agreement (人民调解协议书) of a dispute."""
    errors = _agreement_errors(case=case, parties=parties, facts=facts, terms=terms)
    if errors:
        raise ValidationError(errors)
    values = {
        "parties": parties.strip(),
        "facts": facts.strip(),
        "terms": terms.strip(),
        "performance": performance.strip(),
        "signed_on": signed_on,
    }
    saved: list[MediationAgreement] = []

    def change(c: Case) -> dict[str, Any]:
        row, created = MediationAgreement.objects.get_or_create(case=c, defaults=values)
        old = {f: str(getattr(row, f)) for f in AGREEMENT_FIELDS} if not created else {}
        if not created:
            for field, value in values.items():
                setattr(row, field, value)
            row.save()
        saved.append(row)
        new = {f: str(v) for f, v in values.items()}
        return {f: [old.get(f), new[f]] for f in AGREEMENT_FIELDS if old.get(f) != new[f]}

    _act(
        CaseTransition.Action.AGREEMENT, actor=actor, case=case, change=change, note=_("调解协议书")
    )
    return saved[0]
