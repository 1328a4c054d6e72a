"""The columns of the employment exports: loans, and the fairs' employers with their posts."""

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column, yes_no
from jinguo.employment.models import JobFairEmployer, JobPost, Loan

LOAN_COLUMNS: list[Column[Loan]] = [
    Column(_("借款人"), lambda loan: loan.borrower.name),
    Column(_("所在组织"), lambda loan: loan.org.name),
    Column(_("申请金额（元）"), lambda loan: loan.amount),
    Column(_("贷款银行"), lambda loan: loan.bank),
    Column(_("创业项目/用途"), lambda loan: loan.purpose),
    Column(_("期限（月）"), lambda loan: loan.term_months),
    Column(_("财政贴息"), lambda loan: yes_no(loan.interest_subsidy)),
    Column(_("状态"), lambda loan: loan.get_status_display()),
    Column(_("申请日期"), lambda loan: loan.applied_on),
    Column(_("审批日期"), lambda loan: loan.approved_on),
    Column(_("放款日期"), lambda loan: loan.issued_on),
    Column(_("放款金额（元）"), lambda loan: loan.issued_amount),
    Column(_("还清日期"), lambda loan: loan.repaid_on),
]

# One record a post: (employer, post), or (employer, None) for an employer without posts.
EmployerPost = tuple[JobFairEmployer, JobPost | None]


def _post(value: Callable[[JobPost], Any]) -> Callable[[EmployerPost], Any]:
    """The cell of a post's column: blank on an employer's row without posts."""
    return lambda record: "" if record[1] is None else value(record[1])


POST_COLUMNS: list[Column[EmployerPost]] = [
    Column(_("招聘会"), lambda record: record[0].fair.title),
    Column(_("举办日期"), lambda record: record[0].fair.held_on),
    Column(_("用人单位"), lambda record: record[0].name),
    Column(_("行业"), lambda record: record[0].sector),
    Column(_("岗位"), _post(lambda post: post.title)),
    Column(_("招聘人数"), _post(lambda post: post.openings)),
    Column(_("适合女性"), _post(lambda post: yes_no(post.women_friendly))),
    Column(_("薪资范围"), _post(lambda post: post.salary)),
]


def employer_posts(employers: QuerySet[JobFairEmployer]) -> Iterator[EmployerPost]:
    """Each employer's posts (prefetched), one record a post; one blank record without posts."""
    for employer in employers:
        posts = list(employer.posts.all())
        if not posts:
            yield employer, None
        for post in posts:
            yield employer, post
