from typing import Any

import factory

from jinguo.orgs.models import OrgUnit
from jinguo.orgs.services import org_create


class OrgUnitFactory(factory.Factory):
    """Builds units through the real service, so paths and history are what production makes."""

    class Meta:
        model = OrgUnit

    parent = None
    kind = OrgUnit.Kind.CITY
    name = factory.Sequence(lambda n: f"测试组织{n}")
    code = ""

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_create(actor=None, **kwargs)
