import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jinguo.audit.models import AuditEvent
from jinguo.employment import services
from jinguo.employment.models import JobFairChange, LoanChange
from jinguo.employment.tests.conftest import issue
from jinguo.people.models import Person


def _apply(actor, borrower, amount=Decimal("50000"), term_months=12):
    return services.loan_apply(
        actor=actor,
        borrower=borrower,
        amount=amount,
        bank="银行",
        purpose="开店",
        term_months=term_months,
    )


def test_applying_records_a_change_and_an_audit_row(loan, cast, tree):
    assert loan.status == "applied" and loan.org == tree.wushan
    assert LoanChange.objects.get(loan=loan).action == "apply"
    assert AuditEvent.objects.filter(action="employment.loan_apply").exists()


def test_the_borrower_must_be_a_woman(cast, tree):
    man = Person.objects.create(org=tree.songhe, name="王强", gender="M")
    with pytest.raises(ValidationError) as err:
        _apply(cast.songhe_chair, man)
    assert err.value.message_dict["borrower"] == ["妇女创业担保贷款的借款人须为女性"]


def test_the_amount_is_positive_and_within_the_individual_limit(cast, borrower):
    for amount in ("0", "-1", "300000.01"):
        with pytest.raises(ValidationError) as err:
            _apply(cast.songhe_chair, borrower, amount=Decimal(amount))
        assert "amount" in err.value.message_dict
    assert _apply(cast.songhe_chair, borrower, amount=services.LOAN_LIMIT_YUAN).pk


def test_the_term_is_one_to_thirty_six_months(cast, borrower):
    for months in (0, 37):
        with pytest.raises(ValidationError):
            _apply(cast.songhe_chair, borrower, term_months=months)


def test_another_village_cannot_register_a_songhe_loan(cast, borrower):
    with pytest.raises(PermissionDenied):
        _apply(cast.gangkou_chair, borrower)


def test_the_loan_runs_applied_approved_issued_repaid(loan, cast):
    loan = issue(cast.songhe_chair, loan, dt.date(2026, 3, 1), Decimal("40000"))
    assert loan.status == "issued" and loan.issued_amount == Decimal("40000")
    loan = services.loan_mark_overdue(actor=cast.songhe_chair, loan=loan)
    loan = services.loan_repay(actor=cast.songhe_chair, loan=loan, repaid_on=dt.date(2026, 9, 1))
    assert loan.status == "repaid" and loan.repaid_on == dt.date(2026, 9, 1)
    actions = list(loan.changes.values_list("action", flat=True))
    assert actions == ["apply", "approve", "issue", "overdue", "repay"]
    assert AuditEvent.objects.filter(action__startswith="employment.loan_").count() == 5


def test_a_loan_cannot_be_issued_before_approval_nor_more_than_applied(loan, cast):
    with pytest.raises(ValidationError):
        services.loan_issue(actor=cast.songhe_chair, loan=loan, issued_on=dt.date(2026, 3, 1))
    services.loan_approve(actor=cast.songhe_chair, loan=loan, approved_on=dt.date(2026, 2, 2))
    with pytest.raises(ValidationError) as err:
        services.loan_issue(
            actor=cast.songhe_chair,
            loan=loan,
            issued_on=dt.date(2026, 3, 1),
            issued_amount=Decimal("60000"),
        )
    assert "issued_amount" in err.value.message_dict


def test_rejecting_needs_a_reason(loan, cast):
    with pytest.raises(ValidationError):
        services.loan_reject(actor=cast.songhe_chair, loan=loan, reason="")
    assert services.loan_reject(actor=cast.songhe_chair, loan=loan, reason="资料不全").status == (
        "rejected"
    )


def test_a_leader_cannot_act_on_a_loan(loan, cast):
    with pytest.raises(PermissionDenied):
        services.loan_approve(actor=cast.county_leader, loan=loan)


def test_a_fair_records_employers_posts_and_results(fair, cast):
    employer = services.job_fair_add_employer(actor=cast.songhe_chair, fair=fair, name="宁国茶厂")
    with pytest.raises(ValidationError):
        services.job_fair_add_employer(actor=cast.songhe_chair, fair=fair, name="宁国茶厂")
    with pytest.raises(ValidationError):
        services.job_fair_add_post(
            actor=cast.songhe_chair, employer=employer, title="采茶工", openings=0
        )
    services.job_fair_add_post(
        actor=cast.songhe_chair, employer=employer, title="采茶工", openings=5, women_friendly=True
    )
    done = services.job_fair_record_results(
        actor=cast.songhe_chair, fair=fair, visitors=40, intents=12
    )
    assert (done.visitors, done.intents) == (40, 12)
    actions = list(JobFairChange.objects.filter(fair=fair).values_list("action", flat=True))
    assert actions == ["create", "employer", "post", "results"]


def test_intents_cannot_exceed_visitors(fair, cast):
    with pytest.raises(ValidationError) as err:
        services.job_fair_record_results(
            actor=cast.songhe_chair, fair=fair, visitors=10, intents=11
        )
    assert err.value.message_dict["intents"] == ["达成意向人数不能超过求职人数"]


def test_a_fair_needs_a_place_unless_online(cast, tree):
    with pytest.raises(ValidationError):
        services.job_fair_create(
            actor=cast.songhe_chair, org=tree.songhe, title="招聘会", held_on=dt.date(2026, 3, 1)
        )
    online = services.job_fair_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        title="云招聘",
        held_on=dt.date(2026, 3, 1),
        online=True,
    )
    assert online.online
