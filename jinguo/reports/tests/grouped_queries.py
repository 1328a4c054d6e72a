"""A section's grouped reader takes as many queries for every unit of the demo county as for
two of them: its queries depend on the path lengths of the units read, never on their number."""

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.common.grouped import Targets
from jinguo.orgs.models import OrgUnit
from jinguo.reports.sections import GroupedFn


def load_demo() -> None:
    call_command("load_demo", villages=3, stdout=StringIO())


def _queries(grouped: GroupedFn, units: list[OrgUnit], **common: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        got = grouped(targets=Targets(units), **common)
    assert set(got) == {unit.pk for unit in units}
    return len(ctx.captured_queries)


def assert_queries_do_not_grow_with_the_units(grouped: GroupedFn) -> None:
    """Per path length, all the county's units of that length take the queries of two of
    them; all the county's units together take those of one unit of each length."""
    load_demo()
    user = User.objects.get(username="ningguo")
    assert user.org is not None
    today = timezone.localdate()
    common: dict[str, Any] = {
        "user": user,
        "org": user.org,
        "start": dt.date(today.year, 1, 1),
        "end": today,
    }
    units = list(OrgUnit.objects.filter(user.org.subtree_q(), is_active=True).order_by("path"))
    levels: dict[int, list[OrgUnit]] = {}
    for unit in units:
        levels.setdefault(len(unit.path), []).append(unit)
    assert len(levels) >= 3 and any(len(level) > 10 for level in levels.values())
    _queries(grouped, units[:1], **common)  # anything read once per process
    for level in levels.values():
        assert _queries(grouped, level, **common) == _queries(grouped, level[:2], **common)
    one_each = [level[0] for level in levels.values()]
    assert _queries(grouped, units, **common) == _queries(grouped, one_each, **common)
