"""Built last, once every record is in: the city's cadre opens her dashboard for the year so
far (the refresher keeps it warm, jinguo.reports.warming), and the figures' tallies are
refreshed in full (jinguo.reports.tallies, as the beat job does every minute)."""

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.reports.tallies import tallies_refresh
from jinguo.reports.warming import dashboard_opened


class TalliesDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.city = orgs["city"]

    def build(self) -> str:
        today = timezone.localdate()
        dashboard_opened(
            user=User.objects.get(username="city"),
            org=self.city,
            start=today.replace(month=1, day=1),
            end=today,
        )
        run = tallies_refresh(today=today, full=True)
        return f"统计汇总已刷新（截至{run.as_of:%Y年%m月%d日}）"
