"""Who a notice or a task goes to: the units strictly below the sender's unit (all of them, one
level, or chosen ones), or named executives (users of units below it); and the people of those
units, each of whom gets one inbox message. Read as values: a notice to every unit of a city
(≈11,000 units, ≈20,000 people) is two queries here."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.inbox.services import Outgoing, messages_send
from jinguo.notices.models import Audience
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit

MAX_PEOPLE = 500


def units_below_q(org: OrgUnit) -> Q:
    """Active units strictly below `org`."""
    return org.subtree_q() & Q(is_active=True) & ~Q(pk=org.pk)


def audience_units(
    *, org: OrgUnit, audience: str, level: str, units: Sequence[OrgUnit]
) -> tuple[QuerySet[OrgUnit], list[int]]:
    """The units the audience names (a queryset, for subqueries) and their ids in tree order;
    ValidationError in Chinese when it names none or a unit not below `org`."""
    below = OrgUnit.objects.filter(units_below_q(org))
    if audience == Audience.ALL:
        rows = below
    elif audience == Audience.LEVEL:
        if level not in Kind.values:
            raise ValidationError({"level": [_("请选择接收单位的层级。")]})
        rows = below.filter(kind=level)
    elif audience == Audience.CHOSEN:
        outside = [u.name for u in units if u.pk == org.pk or not org.contains(u)]
        if outside:
            raise ValidationError(
                {
                    "units": [
                        _("接收单位须为本单位的下级单位：%(names)s")
                        % {"names": "、".join(outside[:5])}
                    ]
                }
            )
        rows = below.filter(pk__in=[u.pk for u in units])
    else:
        raise ValidationError({"audience": [_("请选择发送范围。")]})
    found = list(rows.order_by("path").values_list("pk", flat=True))
    if not found:
        raise ValidationError({"units": [_("所选范围内没有下级单位。")]})
    return rows, found


def audience_people(*, org: OrgUnit, people: Sequence[User]) -> list[User]:
    """Named executives: active users with a business role at a unit strictly below `org`."""
    errors = [
        p.get_full_name() or p.username
        for p in people
        if not (p.is_active and p.has_business_scope and p.org is not None)
        or p.org_id == org.pk
        or not org.contains(p.org)
    ]
    if errors:
        raise ValidationError(
            {
                "people": [
                    _("承办人须为下级单位的执委：%(names)s") % {"names": "、".join(errors[:5])}
                ]
            }
        )
    if not people:
        raise ValidationError({"people": [_("请选择至少一位承办人。")]})
    if len(people) > MAX_PEOPLE:
        raise ValidationError({"people": [_("承办人不能超过%(n)s位。") % {"n": MAX_PEOPLE}]})
    return sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk)


def unit_people(units: QuerySet[OrgUnit] | list[int]) -> list[int]:
    """Ids of the active users of the units (a queryset, read as a subquery, or ids)."""
    ids = units.values("pk") if isinstance(units, QuerySet) else units
    users = User.objects.filter(is_active=True, org_id__in=ids)
    return list(users.order_by("pk").values_list("pk", flat=True))


def send(
    *,
    kind: str,
    source: str,
    people: Iterable[int],
    title: str,
    body: str,
    link_name: str,
    link_id: int,
    sender: User | None,
    org: OrgUnit,
) -> int:
    """One inbox message from `source` to each person (once); how many were new."""
    link = reverse(link_name, args=[link_id])
    snippet = body[:200]
    return messages_send(
        kind=kind,
        source=source,
        outgoing=[Outgoing(recipient_id=pk, title=title, body=snippet, link=link) for pk in people],
        sender=sender,
        org=org,
    )
