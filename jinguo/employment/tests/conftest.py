import datetime as dt
from decimal import Decimal

import pytest

from jinguo.employment import services
from jinguo.employment.models import JobFair, Loan
from jinguo.people.models import Person


@pytest.fixture
def borrower(tree) -> Person:
    return Person.objects.create(org=tree.wushan, name="周春燕", gender="F")


@pytest.fixture
def loan(cast, borrower) -> Loan:
    return services.loan_apply(
        actor=cast.songhe_chair,
        borrower=borrower,
        amount=Decimal("50000"),
        bank="宁国农商银行",
        purpose="茶叶加工",
        term_months=24,
        applied_on=dt.date(2026, 2, 1),
    )


@pytest.fixture
def fair(cast, tree) -> JobFair:
    return services.job_fair_create(
        actor=cast.songhe_chair,
        org=tree.songhe,
        title="春风行动招聘会",
        held_on=dt.date(2026, 3, 1),
        place="嵩合社区广场",
    )


def issue(actor, loan: Loan, day: dt.date, amount: Decimal | None = None) -> Loan:
    loan = services.loan_approve(actor=actor, loan=loan, approved_on=day)
    return services.loan_issue(actor=actor, loan=loan, issued_on=day, issued_amount=amount)
