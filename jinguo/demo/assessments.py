"""The demo's assessments and allowances, built through the assessments services after the
other demos (visits, cases, points): a 宁国市 scheme; last quarter's round at Songhe, computed,
scored and published, with one appeal by the 巫山组 executive waiting for a decision; the
default allowance policy (900 yuan a year, 100 yuan a duty day) saved at 宁国市; and a draft
statement for the current year at Songhe."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.assessments import allowances, services
from jinguo.assessments.appeals import appeal_file
from jinguo.orgs.models import OrgUnit

ITEMS = [
    {"metric": "visits", "weight": 30},
    {"metric": "cases", "weight": 20},
    {"metric": "attendance", "weight": 10},
    {"metric": "points", "weight": 10},
    {"metric": "satisfaction", "weight": 10},
    {"name": "群众评议", "weight": 10},
    {"name": "日常表现", "weight": 10},
]


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (today.month - 1) // 3 * 3 + 1
    end = today.replace(month=first_month, day=1) - dt.timedelta(days=1)
    return end.replace(month=(end.month - 1) // 3 * 3 + 1, day=1), end


class AssessmentsDemo:
    def __init__(self, orgs: dict[str, OrgUnit], users: dict[str, User] | None = None) -> None:
        self.orgs = orgs
        self.users = users or {
            u.username: u for u in User.objects.filter(username__in=["ningguo", "songhe", "wushan"])
        }

    def build(self) -> str:
        county, songhe = self.orgs["宁国市"], self.orgs["songhe"]
        cadre, chair, member = self.users["ningguo"], self.users["songhe"], self.users["wushan"]
        today = timezone.localdate()
        services.scheme_create(
            actor=cadre,
            org=county,
            name="宁国市妇联执委履职考核办法",
            valid_from=dt.date(today.year - 1, 1, 1),
            items=ITEMS,
        )
        start, end = last_quarter(today)
        quarter = (end.month - 1) // 3 + 1
        round = services.round_create(
            actor=chair,
            org=songhe,
            name=f"{end.year}年第{quarter}季度执委考核",
            start=start,
            end=end,
        )
        assessed = services.assessment_compute(actor=chair, round=round)
        for n, result in enumerate(round.results.order_by("person__name", "id")):
            services.result_score_manual(
                actor=chair,
                result=result,
                scores={"群众评议": Decimal(7 + n % 4), "日常表现": Decimal(10 - n % 3)},
            )
        services.round_publish(actor=chair, round=round)
        appeals = 0
        mine = round.results.filter(person__account=member).first()
        if mine is not None:
            appeal_file(
                actor=member, result=mine, reason="本季度入户走访有两次未及时录入，申请复核走访得分"
            )
            appeals = 1
        allowances.policy_save(
            actor=cadre,
            org=county,
            annual_amount=allowances.DEFAULT_ANNUAL,
            daily_amount=allowances.DEFAULT_DAILY,
        )
        statement = allowances.statement_create(
            actor=chair,
            org=songhe,
            start=today.replace(month=1, day=1),
            end=today.replace(month=12, day=31),
        )
        lines = statement.lines.all()
        amount = sum((line.total for line in lines), Decimal(0))
        return (
            f"考核{assessed}人（申诉{appeals}件），补贴发放表1张（{len(lines)}人，{amount:.2f}元）"
        )
