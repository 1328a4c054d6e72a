"""Loans and job fairs. Every loan change locks the row, checks the transition and writes a
LoanChange and an audit row; every job-fair change writes a JobFairChange and an audit row.

Loan flow: applied → approved → issued (issued_on, issued_amount) → repaid (repaid_on);
issued → overdue → repaid; applied/approved → rejected (reason).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.audit.history import record_change
from jinguo.employment.models import (
    JobFair,
    JobFairChange,
    JobFairEmployer,
    JobPost,
    Loan,
    LoanChange,
)
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import check_write_at, venue_usable_by
from jinguo.people.models import Person

# Policy: a woman starting a business may borrow up to 300,000 yuan as an individual under the
# guaranteed-loan scheme for entrepreneurs (创业担保贷款, 个人最高 30 万元); partnerships and small
# firms have higher limits, which this register does not cover.
LOAN_LIMIT_YUAN = Decimal("300000")
TERM_MONTHS = (1, 36)
# Head-counts of one fair (openings of a post, job seekers, intents): far above any real fair,
# well below what the database column holds.
MAX_HEADCOUNT = 100_000

ALLOWED: dict[str, tuple[str, ...]] = {
    LoanChange.Action.APPROVE: (Loan.Status.APPLIED,),
    LoanChange.Action.REJECT: (Loan.Status.APPLIED, Loan.Status.APPROVED),
    LoanChange.Action.ISSUE: (Loan.Status.APPROVED,),
    LoanChange.Action.OVERDUE: (Loan.Status.ISSUED,),
    LoanChange.Action.REPAY: (Loan.Status.ISSUED, Loan.Status.OVERDUE),
}


def allowed_actions(loan: Loan) -> list[str]:
    return [action for action, statuses in ALLOWED.items() if loan.status in statuses]


def _check_writer(actor: User, org: OrgUnit) -> None:
    check_write_at(user=actor, org=org)


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [_("日期不能晚于今天")]})


# --- loans --------------------------------------------------------------------------------------


def _loan_errors(
    *, borrower: Person, amount: Decimal, bank: str, purpose: str, term_months: int
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if borrower.gender != Person.Gender.FEMALE:
        errors["borrower"] = [_("妇女创业担保贷款的借款人须为女性")]
    if amount is None or amount <= 0:
        errors["amount"] = [_("贷款金额须大于 0")]
    elif amount > LOAN_LIMIT_YUAN:
        errors["amount"] = [
            _("个人创业担保贷款最高 %(limit)s 元") % {"limit": f"{LOAN_LIMIT_YUAN:,.0f}"}
        ]
    if not bank.strip():
        errors["bank"] = [_("请填写贷款银行")]
    if not purpose.strip():
        errors["purpose"] = [_("请填写创业项目或用途")]
    if not TERM_MONTHS[0] <= term_months <= TERM_MONTHS[1]:
        errors["term_months"] = [_("贷款期限应为 1 到 36 个月")]
    return errors


def _loan_record(
    *, actor: User | None, loan: Loan, action: str, from_status: str, note: str = "", **extra: Any
) -> None:
    record_change(
        LoanChange,
        target=loan,
        actor=actor,
        action=action,
        audit_action=f"employment.loan_{action}",
        note=note,
        from_status=from_status,
        to_status=loan.status,
        changes={"status": [from_status, loan.status], **extra},
    )


def loan_apply(
    *,
    actor: User,
    borrower: Person,
    amount: Decimal,
    bank: str,
    purpose: str,
    term_months: int,
    interest_subsidy: bool = True,
    org: OrgUnit | None = None,
    applied_on: dt.date | None = None,
) -> Loan:
    """Register an application; the loan belongs to the borrower's unit unless told otherwise."""
    errors = _loan_errors(
        borrower=borrower, amount=amount, bank=bank, purpose=purpose, term_months=term_months
    )
    org = org or borrower.org
    applied_on = applied_on or timezone.localdate()
    if applied_on > timezone.localdate():
        errors["applied_on"] = [_("日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    _check_writer(actor, org)
    with transaction.atomic():
        loan = Loan.objects.create(
            borrower=borrower,
            org=org,
            amount=amount,
            bank=bank.strip(),
            purpose=purpose.strip(),
            term_months=term_months,
            interest_subsidy=interest_subsidy,
            applied_on=applied_on,
            created_by=actor,
        )
        _loan_record(
            actor=actor,
            loan=loan,
            action=LoanChange.Action.APPLY,
            from_status="",
            note=f"{borrower.name} {amount}",
            amount=[None, str(amount)],
        )
    return loan


def _loan_act(
    *, actor: User, loan: Loan, action: str, change: dict[str, Any], note: str = ""
) -> Loan:
    with transaction.atomic():
        locked = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("org", "borrower")
            .get(pk=loan.pk)
        )
        _check_writer(actor, locked.org)
        if locked.status not in ALLOWED[action]:
            raise ValidationError(
                _("贷款当前状态为「%(status)s」，不能执行「%(action)s」")
                % {"status": locked.get_status_display(), "action": LoanChange.Action(action).label}
            )
        from_status = locked.status
        extra: dict[str, Any] = {}
        for field, value in change.items():
            old = getattr(locked, field)
            setattr(locked, field, value)
            if field != "status":
                extra[field] = [None if old is None else str(old), str(value)]
        locked.save()
        _loan_record(
            actor=actor, loan=locked, action=action, from_status=from_status, note=note, **extra
        )
    return locked


def loan_approve(
    *, actor: User, loan: Loan, approved_on: dt.date | None = None, note: str = ""
) -> Loan:
    approved_on = approved_on or timezone.localdate()
    _not_future(approved_on, "approved_on")
    change = {"status": Loan.Status.APPROVED, "approved_on": approved_on}
    return _loan_act(
        actor=actor, loan=loan, action=LoanChange.Action.APPROVE, change=change, note=note
    )


def loan_reject(*, actor: User, loan: Loan, reason: str) -> Loan:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("不予通过须说明理由")]})
    change = {"status": Loan.Status.REJECTED, "reason": reason}
    return _loan_act(
        actor=actor, loan=loan, action=LoanChange.Action.REJECT, change=change, note=reason
    )


def loan_issue(
    *,
    actor: User,
    loan: Loan,
    issued_on: dt.date,
    issued_amount: Decimal | None = None,
    note: str = "",
) -> Loan:
    """放款: the bank pays out, at most the amount applied for (default: all of it)."""
    issued_amount = loan.amount if issued_amount is None else issued_amount
    if issued_amount <= 0 or issued_amount > loan.amount:
        raise ValidationError({"issued_amount": [_("放款金额须大于 0 且不超过申请金额")]})
    _not_future(issued_on, "issued_on")
    if loan.approved_on and issued_on < loan.approved_on:
        raise ValidationError({"issued_on": [_("放款日期不能早于审批日期")]})
    change = {"status": Loan.Status.ISSUED, "issued_on": issued_on, "issued_amount": issued_amount}
    return _loan_act(
        actor=actor, loan=loan, action=LoanChange.Action.ISSUE, change=change, note=note
    )


def loan_mark_overdue(*, actor: User, loan: Loan, note: str = "") -> Loan:
    return _loan_act(
        actor=actor,
        loan=loan,
        action=LoanChange.Action.OVERDUE,
        change={"status": Loan.Status.OVERDUE},
        note=note,
    )


def loan_repay(*, actor: User, loan: Loan, repaid_on: dt.date, note: str = "") -> Loan:
    _not_future(repaid_on, "repaid_on")
    if loan.issued_on and repaid_on < loan.issued_on:
        raise ValidationError({"repaid_on": [_("还清日期不能早于放款日期")]})
    change = {"status": Loan.Status.REPAID, "repaid_on": repaid_on}
    return _loan_act(
        actor=actor, loan=loan, action=LoanChange.Action.REPAY, change=change, note=note
    )


# --- job fairs ----------------------------------------------------------------------------------


def _fair_record(
    *, actor: User | None, fair: JobFair, action: str, changes: dict[str, Any], note: str = ""
) -> None:
    record_change(
        JobFairChange,
        target=fair,
        actor=actor,
        action=action,
        audit_action=f"employment.fair_{action}",
        note=note,
        new=changes,
        changes=changes,
    )


def job_fair_create(
    *,
    actor: User,
    org: OrgUnit,
    title: str,
    held_on: dt.date,
    venue: Venue | None = None,
    place: str = "",
    online: bool = False,
) -> JobFair:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写招聘会名称")]
    if venue is not None and not venue_usable_by(user=actor, org=org, venue=venue):
        errors["venue"] = [_("阵地须属于主办组织或其上下级")]
    if venue is None and not place.strip() and not online:
        errors["place"] = [_("请选择阵地或填写地点（线上招聘可不填）")]
    if errors:
        raise ValidationError(errors)
    _check_writer(actor, org)
    with transaction.atomic():
        fair = JobFair.objects.create(
            org=org,
            title=title.strip(),
            held_on=held_on,
            venue=venue,
            place=place.strip(),
            online=online,
            created_by=actor,
        )
        _fair_record(
            actor=actor,
            fair=fair,
            action=JobFairChange.Action.CREATE,
            changes={"title": [None, fair.title], "held_on": [None, held_on.isoformat()]},
        )
    return fair


def _lock_fair(actor: User, fair: JobFair) -> JobFair:
    locked = JobFair.objects.select_for_update(of=("self",)).select_related("org").get(pk=fair.pk)
    _check_writer(actor, locked.org)
    return locked


def job_fair_add_employer(
    *, actor: User, fair: JobFair, name: str, sector: str = ""
) -> JobFairEmployer:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写用人单位名称")]})
    with transaction.atomic():
        locked = _lock_fair(actor, fair)
        if JobFairEmployer.objects.filter(fair=locked, name=name).exists():
            raise ValidationError({"name": [_("该单位已在参会名单中")]})
        employer = JobFairEmployer.objects.create(fair=locked, name=name, sector=sector.strip())
        _fair_record(
            actor=actor,
            fair=locked,
            action=JobFairChange.Action.EMPLOYER,
            changes={"employer": [None, name]},
        )
    return employer


def _too_many() -> str:
    return _("人数不能超过%(max)s") % {"max": MAX_HEADCOUNT}


def job_fair_add_post(
    *,
    actor: User,
    employer: JobFairEmployer,
    title: str,
    openings: int,
    women_friendly: bool = False,
    salary: str = "",
) -> JobPost:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写岗位名称")]
    if openings is None or openings < 1:
        errors["openings"] = [_("招聘人数至少为 1")]
    elif openings > MAX_HEADCOUNT:
        errors["openings"] = [_too_many()]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_fair(actor, employer.fair)
        post = JobPost.objects.create(
            employer=employer,
            title=title.strip(),
            openings=openings,
            women_friendly=women_friendly,
            salary=salary.strip(),
        )
        _fair_record(
            actor=actor,
            fair=locked,
            action=JobFairChange.Action.POST,
            changes={"post": [None, f"{employer.name} {post.title}"], "openings": openings},
        )
    return post


def job_fair_record_results(
    *, actor: User, fair: JobFair, visitors: int, intents: int, note: str = ""
) -> JobFair:
    """After the fair: how many job seekers came and how many reached an intent (≤ visitors)."""
    errors: dict[str, list[str]] = {}
    if visitors is None or visitors < 0:
        errors["visitors"] = [_("求职人数不能为负数")]
    elif visitors > MAX_HEADCOUNT:
        errors["visitors"] = [_too_many()]
    if intents is None or intents < 0:
        errors["intents"] = [_("达成意向人数不能为负数")]
    elif visitors is not None and intents > visitors:
        errors["intents"] = [_("达成意向人数不能超过求职人数")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_fair(actor, fair)
        if locked.held_on > timezone.localdate():
            raise ValidationError(_("招聘会尚未举办，不能登记成效"))
        changes = {
            "visitors": [locked.visitors, visitors],
            "intents": [locked.intents, intents],
        }
        locked.visitors, locked.intents = visitors, intents
        locked.save(update_fields=["visitors", "intents", "updated_at"])
        _fair_record(
            actor=actor,
            fair=locked,
            action=JobFairChange.Action.RESULTS,
            changes=changes,
            note=note,
        )
    return locked
