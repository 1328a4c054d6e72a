import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.demo.sanxin import SanxinDemo
from jinguo.sanxin import selectors
from jinguo.sanxin.models import ExemplaryWoman, SanxinOrg, SanxinTarget


def test_the_demo_builds_the_registry_through_the_services(tree):
    for username, org in (("city", tree.city), ("ningguo", tree.ningguo), ("langxi", tree.langxi)):
        UserFactory(username=username, role=User.Role.CADRE, org=org)
    orgs = {"city": tree.city, "宁国市": tree.ningguo, "郎溪县": tree.langxi}
    summary = SanxinDemo(orgs).build()
    assert summary.startswith("三新组织30个")
    assert SanxinOrg.objects.count() == 30
    established = SanxinOrg.objects.filter(federation__isnull=False).count()
    assert 12 <= established <= 20
    assert ExemplaryWoman.objects.exists() and SanxinTarget.objects.count() == 2
    city_user = User.objects.get(username="city")
    today = timezone.localdate()
    rows = selectors.target_list(user=city_user, today=today)
    federations = next(p for t, p in rows if t.metric == SanxinTarget.Metric.FEDERATIONS)
    assert federations.value == established and federations.target_value == 60
    figures = selectors.sanxin_figures(
        user=city_user, org=tree.city, start=today - dt.timedelta(days=3 * 366), end=today
    )
    assert {f.key: f.value for f in figures}["sanxin.federations"] == established
