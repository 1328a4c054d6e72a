"""The demo's 三新 registry (两库两册), built through the sanxin services.

About thirty organisations over a few townships of 宁国市 and 郎溪县 (and the express-delivery
industry federation): couriers, delivery stations, live-commerce bases, law firms, private
enterprises; about half with a women's federation set up over the last three years, workers
with women among them, some exemplary women; and two targets — 宣城市 "60 三新 federations by
the end of next year" and 宁国市 "20 organisations registered" — with progress on the way.
"""

import datetime as dt
import random

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.sanxin.creditcode import CHARSET, check_character
from jinguo.sanxin.models import SanxinTarget
from jinguo.sanxin.services import exemplary_add, sanxin_establish_federation, sanxin_org_create
from jinguo.sanxin.targets import sanxin_target_create
from jinguo.sanxin.workers import sanxin_worker_add

# (name, category, sector, workers, women workers, has party organisation)
ORGS: list[tuple[str, str, str, int, int, bool]] = [
    ("顺丰速运营业部", "new_economic", "courier", 46, 12, True),
    ("中通快递分拨中心", "new_economic", "courier", 80, 21, True),
    ("韵达快递网点", "new_employment", "courier", 25, 6, False),
    ("美团外卖配送站", "new_employment", "delivery", 60, 9, False),
    ("饿了么骑手站", "new_employment", "delivery", 38, 5, False),
    ("滴滴网约车司机之家", "new_employment", "ride_hailing", 52, 8, False),
    ("货车司机之家（卡嫂驿站）", "new_employment", "truck_driver", 30, 14, False),
    ("山核桃直播电商基地", "new_economic", "live_commerce", 42, 31, True),
    ("竹乡好物直播间", "new_employment", "live_commerce", 12, 9, False),
    ("皖南茶叶电商产业园", "new_economic", "live_commerce", 65, 40, True),
    ("云端网络科技有限公司", "new_economic", "internet", 35, 15, True),
    ("星河软件开发有限公司", "new_economic", "internet", 28, 10, False),
    ("宏达机械制造有限公司", "new_economic", "private_enterprise", 120, 36, True),
    ("永安纺织有限公司", "new_economic", "private_enterprise", 210, 150, True),
    ("绿源农产品专业合作社", "new_economic", "other", 24, 13, False),
    ("恒信律师事务所", "new_social", "law_accounting", 18, 9, True),
    ("正则会计师事务所", "new_social", "law_accounting", 14, 10, False),
    ("阳光社会工作服务中心", "new_social", "social_org", 16, 13, True),
    ("夕阳红养老服务协会", "new_social", "social_org", 22, 18, False),
    ("爱心义工联合会", "new_social", "social_org", 40, 28, False),
    ("巾帼家政服务中心", "new_social", "social_org", 35, 33, False),
    ("京东物流配送站", "new_employment", "courier", 44, 7, False),
    ("申通快递网点", "new_economic", "courier", 20, 6, False),
    ("乡村振兴电商服务站", "new_economic", "live_commerce", 15, 11, False),
    ("优品连锁超市有限公司", "new_economic", "private_enterprise", 85, 60, True),
    ("安心物业服务有限公司", "new_economic", "private_enterprise", 48, 20, False),
    ("启明教育培训学校", "new_social", "social_org", 26, 20, True),
    ("同心调解志愿者协会", "new_social", "social_org", 12, 8, False),
    ("花鼓戏民间艺术团", "new_social", "other", 18, 12, False),
    ("曹操出行司机服务站", "new_employment", "ride_hailing", 30, 4, False),
]
WOMEN = ["王秀梅", "李晓燕", "张丽", "陈玉兰", "刘芳", "杨桂英", "赵敏", "黄春花", "周静", "吴美玲"]
MEN = ["孙建国", "朱志强", "胡斌", "郭海涛"]
POSITIONS = ["快递员", "骑手", "主播", "客服", "会计", "分拣员", "司机", "社工"]


class SanxinDemo:
    def __init__(self, orgs: dict[str, OrgUnit], seed: int = 2026) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.orgs = orgs
        users = {
            u.username: u for u in User.objects.filter(username__in=["city", "ningguo", "langxi"])
        }
        self.city_user, self.ningguo_user, self.langxi_user = (
            users["city"],
            users["ningguo"],
            users["langxi"],
        )
        self.today = timezone.localdate()

    def _places(self) -> list[tuple[OrgUnit, User]]:
        """A few townships of each county (and the express industry federation of 宁国市)."""
        places: list[tuple[OrgUnit, User]] = []
        for key, user in (("宁国市", self.ningguo_user), ("郎溪县", self.langxi_user)):
            county = self.orgs[key]
            townships = list(county.children.filter(kind=Kind.TOWNSHIP).order_by("code")[:3])
            places += [(t, user) for t in townships] + [(county, user)]
        express = OrgUnit.objects.filter(kind=Kind.INDUSTRY, name="宁国市快递行业妇联").first()
        if express is not None:
            places.append((express, self.ningguo_user))
        return places

    def _credit_code(self, prefix: str) -> str:
        body = "91" + prefix + "".join(self.rng.choice(CHARSET) for _ in range(9))
        return body + check_character(body)

    def build(self) -> str:
        places = self._places()
        created, federations, workers, exemplary = [], 0, 0, 0
        for i, (name, category, sector, total, women, party) in enumerate(ORGS):
            place, actor = places[i % len(places)]
            if sector == "courier" and places[-1][0].kind == Kind.INDUSTRY and i % 3 == 0:
                place, actor = places[-1]
            days_ago = self.rng.randint(60, 3 * 365)
            registered = self.today - dt.timedelta(days=days_ago)
            county = "宁国" if actor is self.ningguo_user else "郎溪"
            org = sanxin_org_create(
                actor=actor,
                org=place,
                name=f"{county}{name}",
                category=category,
                sector=sector,
                credit_code=self._credit_code("341881" if county == "宁国" else "341821")
                if i % 2 == 0
                else "",
                workers=total,
                women_workers=women,
                has_party_org=party,
                contact_name=self.rng.choice(WOMEN),
                contact_phone=f"139{self.rng.randint(10000000, 99999999)}",
                address=f"{place.name}{self.rng.randint(1, 200)}号",
                registered_on=registered,
            )
            created.append((org, actor))
            if i % 2 == 0 or sector in ("delivery", "live_commerce"):
                established = registered + dt.timedelta(days=self.rng.randint(10, days_ago - 1))
                sanxin_establish_federation(
                    actor=actor, sanxin_org=org, name=f"{org.name}妇联", established_on=established
                )
                federations += 1
        for n, (org, actor) in enumerate(created[:10]):
            for k in range(3):
                woman = k < 2
                names = WOMEN if woman else MEN
                worker = sanxin_worker_add(
                    actor=actor,
                    sanxin_org=org,
                    new_person={
                        "name": names[(n * 3 + k) % len(names)],
                        "gender": "F" if woman else "M",
                        "phone": f"137{self.rng.randint(10000000, 99999999)}",
                    },
                    position=self.rng.choice(POSITIONS),
                    joined_on=org.registered_on,
                )
                workers += 1
                if woman and k == 0 and n % 2 == 0:
                    exemplary_add(
                        actor=actor,
                        org=org.org,
                        person=worker.person,
                        sanxin_org=org,
                        reason="扎根一线，带领姐妹创业就业，热心公益",
                        listed_on=self.today - dt.timedelta(days=30 * (n + 1)),
                    )
                    exemplary += 1
        start = self.today.replace(year=self.today.year - 3, month=1, day=1)
        end_next_year = dt.date(self.today.year + 1, 12, 31)
        sanxin_target_create(
            actor=self.city_user,
            org=self.orgs["city"],
            title=f"到{end_next_year.year}年建立60个三新领域妇联组织",
            metric=SanxinTarget.Metric.FEDERATIONS,
            target_value=60,
            period_start=start,
            deadline=end_next_year,
        )
        sanxin_target_create(
            actor=self.ningguo_user,
            org=self.orgs["宁国市"],
            title=f"到{end_next_year.year}年登记20个三新组织",
            metric=SanxinTarget.Metric.ORGS,
            target_value=20,
            period_start=start,
            deadline=end_next_year,
        )
        return (
            f"三新组织{len(created)}个，建立妇联{federations}个，"
            f"工作者{workers}人，优秀女性{exemplary}人，目标2项"
        )
