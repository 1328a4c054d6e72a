"""The cases waiting on a user, for her home page (cases/templatetags/case_tags.case_home) and
the case list's `?todo=` filter, so a count on the home page and the list it links to read the
same rows. Who acts is the cases app's own rule (reminders.readers.cases_flagged):
- mine: running cases she handles (承办人, her person the assignee);
- accept: reported cases handled at her own unit (受理, cadres of the handling unit);
- verify: resolved cases handled at her own unit (核查);
- supervise: overdue running cases of the units directly under hers (督办, one level up)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.cases.models import OPEN, Case
from jinguo.cases.selectors import CASE_ROW_COLUMNS, CaseRow, case_rows, cases_visible

SHOWN = 5
UNIT_KEYS = ("accept", "verify", "supervise")  # a cadre's (read by a leader, without actions)
TODO_KEYS = ("mine", *UNIT_KEYS)


def case_todo_q(*, user: User, key: str, now: dt.datetime | None = None) -> Q:
    """The cases of `key` (TODO_KEYS) waiting on `user`; none for an unknown key."""
    q = _todo_q(user=user, key=key, now=now or timezone.now())
    return Q(pk__in=[]) if q is None else q


def _todo_q(*, user: User, key: str, now: dt.datetime) -> Q | None:
    if key == "mine":
        return Q(status__in=OPEN, assignee_id=user.person_id) if user.person_id else None
    if key not in UNIT_KEYS or user.role not in (Role.CADRE, Role.LEADER):
        return None
    if key == "accept":
        return Q(status=Case.Status.REPORTED, org_id=user.org_id)
    if key == "verify":
        return Q(status=Case.Status.RESOLVED, org_id=user.org_id)
    return Q(status__in=OPEN, due_at__lt=now, org__parent_id=user.org_id)


@dataclass
class CaseGroup:
    key: str
    count: int = 0
    rows: list[CaseRow] = field(default_factory=list)


def home_cases(*, user: User, now: dt.datetime | None = None) -> list[CaseGroup]:
    """Each group of cases waiting on `user` with its count and the first SHOWN, earliest due
    first. One query for the counts, one per group that holds any."""
    now = now or timezone.now()
    filters = {k: q for k in TODO_KEYS if (q := _todo_q(user=user, key=k, now=now)) is not None}
    if not filters:
        return []
    visible = cases_visible(user=user)
    counts = visible.aggregate(**{k: Count("pk", filter=q) for k, q in filters.items()})
    groups = []
    for key in filters:
        group = CaseGroup(key=key, count=counts[key] or 0)
        if group.count:
            group.rows = case_rows(_first(visible.filter(filters[key])))
        groups.append(group)
    return groups


def _first(cases: QuerySet[Case]) -> QuerySet[Case, tuple]:
    return cases.order_by("due_at", "pk").values_list(*CASE_ROW_COLUMNS)[:SHOWN]
