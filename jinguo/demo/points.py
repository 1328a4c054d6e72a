"""The demo's duty points, love bank and 最美执委 round, built through the points services.

Runs after the visits/cases (and meetings/activities) demos: the city's default rules, one
collection over the last twelve months of records (as the nightly cron would), most earns
approved by the unit that decides them, one in ten rejected with a reason, one rejection
appealed and upheld by the township; a love bank at Songhe with six items and a few
redemptions (one handed over); one 最美执委 nomination round at Songhe.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.points import selectors
from jinguo.points.approval import (
    points_appeal,
    points_appeal_decide,
    points_approve,
    points_reject,
)
from jinguo.points.lovebank import lovebank_item_save, lovebank_redeem, redemption_hand_over
from jinguo.points.models import Kind, PointEntry
from jinguo.points.nominations import nomination_create, nomination_transition
from jinguo.points.rankings import executive_ranking
from jinguo.points.services import point_rules_seed, points_collect

# name, points price, stock
ITEMS = [
    ("大米（5kg）", 20, 30),
    ("食用油（5L）", 30, 20),
    ("洗衣液", 15, 25),
    ("毛巾", 5, 50),
    ("牙膏", 8, 40),
    ("保温杯", 40, 10),
]
REJECT_EVERY = 10
REJECT_REASON = "走访记录缺少服务内容，请补充后重新提交"


class PointsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.orgs = orgs
        self.approved = self.rejected = self.redemptions = self.nominations = 0

    def build(self) -> str:
        today = timezone.localdate()
        city, songhe = self.orgs["city"], self.orgs["songhe"]
        users = {u.username: u for u in User.objects.filter(username__in=self._usernames())}
        point_rules_seed(actor=users["city"], org=city, valid_from=dt.date(today.year - 1, 1, 1))
        collected = points_collect(org=city, start=today - dt.timedelta(days=365), end=today)
        self.decide(users, songhe)
        self.appeal(users)
        self.lovebank(users, songhe)
        self.nominate(users, songhe, today.year)
        return (
            f"积分{collected.created}条（通过{self.approved}、不通过{self.rejected}），"
            f"爱心银行物品{len(ITEMS)}种、兑换{self.redemptions}次，"
            f"最美执委推荐{self.nominations}人"
        )

    @staticmethod
    def _usernames() -> list[str]:
        return ["city", "songhe", "helixi", "wushan", "chengjiawan"]

    def decide(self, users: dict[str, User], songhe: OrgUnit) -> None:
        """Songhe's chair decides Songhe's points; the city cadre the rest."""
        for user in (users["songhe"], users["city"]):
            pending = list(selectors.approval_queue(user=user))
            approve = []
            for i, entry in enumerate(pending):
                if i % REJECT_EVERY == REJECT_EVERY - 1:
                    points_reject(actor=user, entry=entry, reason=REJECT_REASON)
                    self.rejected += 1
                else:
                    approve.append(entry)
            points_approve(actor=user, entries=approve)
            self.approved += len(approve)

    def appeal(self, users: dict[str, User]) -> None:
        """The wushan executive appeals one rejection; the township upholds it."""
        member = users["wushan"]
        if member.person_id is None:
            return
        # A rejection Songhe decided, so that the township above may rule on it (a training at
        # the township is decided there, and only the county could rule on that one).
        reject = (
            PointEntry.objects.filter(
                kind=Kind.REJECT,
                person_id=member.person_id,
                ref__approver_org_id=users["songhe"].org_id,
            )
            .order_by("id")
            .first()
        )
        if reject is None:
            return
        appeal = points_appeal(actor=member, entry=reject, reason="已补充服务内容，请复核")
        points_appeal_decide(actor=users["helixi"], appeal=appeal, accept=True, reason="已核实")

    def lovebank(self, users: dict[str, User], songhe: OrgUnit) -> None:
        keeper = users["songhe"]
        items = [
            lovebank_item_save(actor=keeper, org=songhe, name=name, price=price, stock=stock)
            for name, price, stock in ITEMS
        ]
        for username, item, quantity in (("wushan", items[0], 1), ("chengjiawan", items[2], 2)):
            person = users[username].person
            if person is None or selectors.points_balance(person=person) < item.price * quantity:
                continue
            redemption = lovebank_redeem(
                actor=users[username], person=person, item=item, quantity=quantity
            )
            self.redemptions += 1
            if username == "wushan":
                redemption_hand_over(actor=keeper, redemption=redemption)

    def nominate(self, users: dict[str, User], songhe: OrgUnit, year: int) -> None:
        """The three best of Songhe this year nominated; two shortlisted; the best selected."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        best = list(executive_ranking(org=songhe, start=start, end=end)[:3])
        rows = [
            nomination_create(
                actor=users["songhe"],
                year=year,
                org=songhe,
                person=person,
                reason="入户走访勤、化解纠纷多，群众评价好",
            )
            for person in best
        ]
        self.nominations = len(rows)
        township = users["helixi"]
        for i, row in enumerate(rows):
            if i < 2:
                row = nomination_transition(actor=township, nomination=row, status="shortlisted")
                if i == 0:
                    nomination_transition(actor=township, nomination=row, status="selected")
            else:
                nomination_transition(actor=township, nomination=row, status="not_selected")
