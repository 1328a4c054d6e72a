import datetime as dt
from types import SimpleNamespace

import pytest

from jinguo.sanxin.models import SanxinOrg
from jinguo.sanxin.services import sanxin_org_create


def register(actor, org, name: str = "宁国速达快递", **fields) -> SanxinOrg:
    values = {"category": "new_economic", "sector": "courier", "workers": 10, "women_workers": 4}
    return sanxin_org_create(actor=actor, org=org, name=name, **{**values, **fields})


@pytest.fixture
def sx(tree, cast) -> SimpleNamespace:
    """嵩合社区: a courier company and a riders' group; 港口村: a law firm."""
    s = SimpleNamespace()
    s.courier = register(cast.songhe_chair, tree.songhe, registered_on=dt.date(2024, 1, 1))
    s.riders = register(
        cast.songhe_chair,
        tree.songhe,
        name="美团骑手站",
        category="new_employment",
        sector="delivery",
        registered_on=dt.date(2024, 2, 1),
    )
    s.lawfirm = register(
        cast.gangkou_chair,
        tree.gangkou,
        name="港口律师事务所",
        category="new_social",
        sector="law_accounting",
        registered_on=dt.date(2024, 3, 1),
    )
    return s
