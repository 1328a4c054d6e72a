"""Builders for case tests: everything goes through the services, like production."""

from jinguo.cases import services
from jinguo.cases.models import Case
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person


def report(org: OrgUnit, *, kind: str = "dispute_marriage", title: str = "婆媳矛盾", **kw) -> Case:
    return services.case_report(actor=None, org=org, kind=kind, title=title, **kw)


def resolved(
    org: OrgUnit,
    assignee: Person,
    *,
    kind: str = "dispute_marriage",
    outcome: str = "oral_agreement",
) -> Case:
    case = report(org, kind=kind)
    case = services.case_accept(actor=None, case=case)
    case = services.case_dispatch(actor=None, case=case, assignee=assignee)
    case = services.case_start(actor=None, case=case)
    return services.case_resolve(actor=None, case=case, outcome=outcome)


def closed(org: OrgUnit, assignee: Person, **kw) -> Case:
    case = resolved(org, assignee, **kw)
    case = services.case_verify(actor=None, case=case, passed=True)
    return services.case_close(actor=None, case=case)
