"""The demo builders, run on the cast tree (load_demo itself takes too long for a unit test)."""

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.demo.employment import EmploymentDemo
from jinguo.demo.honours import HonoursDemo
from jinguo.employment.models import JobPost, Loan
from jinguo.employment.selectors import employment_figures
from jinguo.honours.models import FamilyHonour, IndividualHonour
from jinguo.households.models import Household
from jinguo.people.models import Person


def _demo_world(tree) -> dict:
    R = User.Role
    UserFactory(username="songhe", role=R.CADRE, org=tree.songhe)
    UserFactory(username="songhe2", role=R.CADRE, org=tree.songhe)
    UserFactory(username="helixi", role=R.CADRE, org=tree.helixi)
    UserFactory(username="ningguo", role=R.CADRE, org=tree.ningguo)
    for n in range(21):
        head = Person.objects.create(org=tree.wushan, name=f"户主{n}", gender="F")
        Household.objects.create(number=f"SH{n:03d}", grid=tree.wushan, head=head)
    for n in range(4):
        Person.objects.create(org=tree.gangkou, name=f"西山{n}", gender="F")
    return {"songhe": tree.songhe, "xishan": tree.gangkou, "宁国市": tree.ningguo}


def test_the_demo_builds_honours_loans_and_a_fair_through_the_services(tree):
    orgs = _demo_world(tree)
    assert "家庭荣誉21项" in HonoursDemo(orgs).build()
    assert "创业担保贷款8笔" in EmploymentDemo(orgs).build()
    assert FamilyHonour.objects.filter(title="characteristic", status="approved").count() == 10
    assert FamilyHonour.objects.filter(status="nominated").count() == 1
    assert IndividualHonour.objects.filter(title="march8_red_flag", status="approved").exists()
    assert Loan.objects.count() == 8
    assert JobPost.objects.count() == 16
    ningguo = User.objects.get(username="ningguo")
    today = timezone.localdate()
    figures = {
        f.key: f.value
        for f in employment_figures(
            user=ningguo,
            org=tree.ningguo,
            start=today.replace(month=1, day=1),
            end=today,
        )
    }
    assert figures["employment.loans_issued"] == 6
    assert figures["employment.loans_amount"] == 300000.0
    assert figures["employment.fair_employers"] == 8 and figures["employment.fair_posts"] == 16
