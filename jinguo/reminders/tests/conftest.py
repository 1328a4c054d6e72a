from types import SimpleNamespace

import pytest

from jinguo.households.assignments import grid_assign
from jinguo.reminders.tests.builders import days


@pytest.fixture
def staff(cast, people, tree) -> SimpleNamespace:
    """The cast with executives behind accounts: wushan_member is 汪秀兰 (巫山组网格), songhe_chair
    is 程丽 (seated at 嵩合社区, assigned to 程家湾组网格)."""
    grid_assign(actor=None, executive=people.wushan_exec, grid=tree.wushan, start_date=days(-200))
    grid_assign(
        actor=None, executive=people.chengjiawan_exec, grid=tree.chengjiawan, start_date=days(-200)
    )
    cast.songhe_chair.person = people.chengjiawan_exec
    cast.songhe_chair.save(update_fields=["person"])
    return cast
