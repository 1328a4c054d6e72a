import pytest

from jinguo.honours import services
from jinguo.honours.models import FamilyHonour, IndividualHonour
from jinguo.households.models import Household


@pytest.fixture
def household(tree) -> Household:
    return Household.objects.create(number="SH001", grid=tree.wushan)


@pytest.fixture
def family(cast, tree) -> FamilyHonour:
    """A village-level 最美家庭 nominated at Songhe."""
    return services.family_honour_nominate(
        actor=cast.songhe_chair,
        org=tree.wushan,
        family_name="王秀英家庭",
        title="most_beautiful",
        level="village",
        year=2026,
        deeds="孝老爱亲",
    )


@pytest.fixture
def individual(cast, people) -> IndividualHonour:
    """A county-level 三八红旗手 nominated for a Songhe executive."""
    return services.individual_honour_nominate(
        actor=cast.songhe_chair,
        person=people.wushan_exec,
        title="march8_red_flag",
        level="county",
        year=2026,
    )
