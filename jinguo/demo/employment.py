"""The demo's loans and job fair, built through the employment services.

The district seed "18 small loans, 900,000 yuan; job fair: 80 employers, 164 posts" at a small
scale: eight loans of 50,000 yuan to women of Songhe and 西山村 (six issued this year — 300,000
yuan — of which two repaid and one overdue; one approved, one just applied), and one job fair
at 宁国市 with eight employers and sixteen posts, its results recorded.
"""

import datetime as dt
from decimal import Decimal
from itertools import islice

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.employment.models import JobFair
from jinguo.employment.services import (
    job_fair_add_employer,
    job_fair_add_post,
    job_fair_create,
    job_fair_record_results,
    loan_apply,
    loan_approve,
    loan_issue,
    loan_mark_overdue,
    loan_repay,
)
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

PURPOSES = [
    "茶叶种植加工",
    "农家乐",
    "电商直播卖山核桃",
    "竹编工坊",
    "民宿",
    "家政服务",
    "养蜂",
    "服装小店",
]
BANKS = ["宁国农商银行", "中国邮政储蓄银行宁国支行", "徽商银行宁国支行"]
# The fate of each loan, in order.
STEPS = ["repaid", "repaid", "overdue", "issued", "issued", "issued", "approved", "applied"]
EMPLOYERS = [
    ("宁国市振宁茶业有限公司", "农产品加工", [("采茶工", 20, True), ("茶叶包装员", 6, True)]),
    ("安徽中鼎密封件股份有限公司", "制造业", [("质检员", 10, True), ("操作工", 30, False)]),
    ("宁国市山核桃电商产业园", "电子商务", [("直播带货主播", 4, True), ("客服专员", 8, True)]),
    ("宁国市家政服务中心", "家政服务", [("育婴员", 12, True), ("养老护理员", 10, True)]),
    ("宁国宾馆", "住宿餐饮", [("客房服务员", 6, True), ("厨师助理", 3, False)]),
    ("宁国市人民医院", "医疗卫生", [("护理员", 8, True), ("收费员", 2, True)]),
    ("宁国市宏达物流有限公司", "物流快递", [("快递分拣员", 15, False), ("仓库文员", 2, True)]),
    ("宁国市巾帼手工坊", "手工制作", [("竹编手工艺人", 10, True), ("缝纫工", 8, True)]),
]


class EmploymentDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.orgs = orgs
        self.users = {u.username: u for u in User.objects.select_related("org")}
        self.loans = 0

    def build(self) -> str:
        self.build_loans()
        fair = self.build_fair()
        posts = sum(len(p) for _n, _s, p in EMPLOYERS)
        employers = fair.employers.count()
        return f"创业担保贷款{self.loans}笔，招聘会1场（{employers}家单位、{posts}个岗位）"

    def _borrowers(self) -> list[Person]:
        adult = timezone.localdate() - dt.timedelta(days=365 * 22)
        women: list[Person] = []
        for key in ("songhe", "xishan"):
            # Birth dates are encrypted: the database cannot compare them, Python does.
            found = Person.objects.filter(self.orgs[key].subtree_q("org__"), gender="F")
            born = (p for p in found.order_by("id") if not p.birth_date or p.birth_date <= adult)
            women += list(islice(born, 4))
        return women

    def build_loans(self) -> None:
        actor = self.users["helixi"]  # the street federation covers both villages
        today = timezone.localdate()
        start = max(today.replace(month=1, day=1), today - dt.timedelta(days=90))
        for index, (borrower, step) in enumerate(zip(self._borrowers(), STEPS, strict=False)):
            loan = loan_apply(
                actor=actor,
                borrower=borrower,
                amount=Decimal("50000"),
                bank=BANKS[index % len(BANKS)],
                purpose=PURPOSES[index % len(PURPOSES)],
                term_months=24,
                interest_subsidy=True,
                applied_on=start,
            )
            self.loans += 1
            if step == "applied":
                continue
            loan = loan_approve(actor=actor, loan=loan, approved_on=start)
            if step == "approved":
                continue
            loan = loan_issue(actor=actor, loan=loan, issued_on=start)
            if step == "overdue":
                loan_mark_overdue(actor=actor, loan=loan, note="逾期未还，已联系借款人")
            elif step == "repaid":
                loan_repay(actor=actor, loan=loan, repaid_on=today)

    def build_fair(self) -> JobFair:
        actor = self.users["ningguo"]
        today = timezone.localdate()
        held_on = max(today.replace(month=1, day=1), today - dt.timedelta(days=20))
        fair = job_fair_create(
            actor=actor,
            org=self.orgs["宁国市"],
            title="“春风行动”巾帼专场招聘会",
            held_on=held_on,
            place="宁国市人力资源市场",
        )
        for name, sector, posts in EMPLOYERS:
            employer = job_fair_add_employer(actor=actor, fair=fair, name=name, sector=sector)
            for title, openings, friendly in posts:
                job_fair_add_post(
                    actor=actor,
                    employer=employer,
                    title=title,
                    openings=openings,
                    women_friendly=friendly,
                    salary="3000–5000元/月",
                )
        return job_fair_record_results(actor=actor, fair=fair, visitors=320, intents=85)
