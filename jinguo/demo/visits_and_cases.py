"""The demo's visits, wishes and cases for Songhe, built through the visits and cases services.

Visits over the last 60 days, so that every grid member's to-do shows some households overdue
and some due this week; six wishes in each state; and cases reproducing the seed figures at a
small scale in the current year: 12 disputes handled, 7 of them with executive participation,
4 with written agreements, 5 emotional disputes of which 3 resolved; one open domestic-violence
case (escalated at once under red supervision) and two requests in progress, one near its
deadline.
"""

import datetime as dt
import uuid

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases.models import Case, CaseKind, CaseParticipant
from jinguo.cases.services import (
    WARNING_SHARE,
    case_accept,
    case_add_participant,
    case_close,
    case_dispatch,
    case_rate,
    case_report,
    case_resolve,
    case_save_agreement,
    case_start,
    case_verify,
    working_days_for,
)
from jinguo.cases.workdays import add_working_days_loaded
from jinguo.households.models import Household
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.visits.models import Channel, ServiceKind
from jinguo.visits.services import visit_log, wish_claim, wish_collect, wish_fulfil

# Fixed, so that the ids the "phones" gave are the same on every run.
PHONE_NAMESPACE = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")
GRID_MEMBERS = ["wushan", "chengjiawan", "wangmingtang", "dongjiadian", "chencun", "zhangcun"]
CHANNELS = list(Channel.values)
SERVICES = list(ServiceKind.values)

WRITTEN, ORAL, NO = Case.Outcome.WRITTEN, Case.Outcome.ORAL, Case.Outcome.NOT_RESOLVED
# The disputes handled this year: (kind, title, outcome, with an executive participating).
DISPUTES: list[tuple[str, str, str, bool]] = [
    (CaseKind.DISPUTE_EMOTIONAL, "夫妻感情不和要求调解", WRITTEN, True),
    (CaseKind.DISPUTE_EMOTIONAL, "恋爱纠纷彩礼返还", WRITTEN, True),
    (CaseKind.DISPUTE_EMOTIONAL, "婆媳关系紧张", ORAL, True),
    (CaseKind.DISPUTE_EMOTIONAL, "分居夫妻争吵", NO, False),
    (CaseKind.DISPUTE_EMOTIONAL, "感情纠纷反复上门", NO, False),
    (CaseKind.DISPUTE_MARRIAGE, "离婚后子女探视纠纷", WRITTEN, True),
    (CaseKind.DISPUTE_MARRIAGE, "夫妻财产分割争议", ORAL, True),
    (CaseKind.DISPUTE_MARRIAGE, "再婚家庭矛盾", ORAL, False),
    (CaseKind.DISPUTE_NEIGHBOUR, "宅基地地界纠纷", WRITTEN, True),
    (CaseKind.DISPUTE_NEIGHBOUR, "排水沟堵塞邻里争执", ORAL, False),
    (CaseKind.DISPUTE_SUPPORT, "子女不履行赡养义务", ORAL, True),
    (CaseKind.DISPUTE_SUPPORT, "抚养费给付纠纷", NO, False),
]


def days_since_last_visit(index: int) -> int:
    """1–58 days, spread over the households; SH007 (巫山组, 30-day plan) is due in 3 days so
    the wushan to-do always shows one household due this week."""
    return 27 if index == 6 else (index * 13) % 58 + 1


class VisitsAndCasesBuilder:
    def __init__(self, *, orgs: dict[str, OrgUnit]) -> None:
        self.songhe = orgs["songhe"]
        self.users = {u.username: u for u in User.objects.select_related("person")}
        self.households = list(
            Household.objects.filter(grid__parent=self.songhe)
            .select_related("grid")
            .order_by("number")
        )
        self.visits = 0

    def build(self) -> None:
        self.build_visits()
        self.build_wishes()
        self.build_cases()

    def member_of(self, household: Household) -> User:
        index = int(household.number[2:]) - 1
        return self.users[GRID_MEMBERS[index % 6]]

    def build_visits(self) -> None:
        today = timezone.localdate()
        for index, household in enumerate(self.households):
            if index % 10 == 9:  # a few never visited
                continue
            visit_log(
                actor=self.member_of(household),
                household=household,
                channel=CHANNELS[index % len(CHANNELS)],
                services=[SERVICES[index % len(SERVICES)]],
                note="入户了解近况",
                visited_on=today - dt.timedelta(days=days_since_last_visit(index)),
                client_id=self.phone_id(household) if index % 3 == 0 else None,
            )
            self.visits += 1

    @staticmethod
    def phone_id(household: Household) -> uuid.UUID:
        """The id the phone app gives a visit recorded offline (jinguo.offline) and sends with
        it when the signal comes back; one visit in three was recorded that way."""
        return uuid.uuid5(PHONE_NAMESPACE, household.number)

    def build_wishes(self) -> None:
        wishes = [
            ("孩子想要一套课外读物", "study", 2),
            ("希望有人教用智能手机", "living", 2),
            ("想参加育婴员技能培训", "employment", 1),
            ("冬天需要一床新棉被", "living", 1),
            ("孩子需要一个书包和文具", "study", 0),
            ("老人希望有人定期理发", "living", 0),
        ]
        for index, (content, category, step) in enumerate(wishes):
            household = self.households[index * 6]
            actor = self.member_of(household)
            wish = wish_collect(
                actor=actor, content=content, category=category, household=household
            )
            if step >= 1:
                wish = wish_claim(actor=actor, wish=wish, donor_name="宁国市巾帼志愿服务队")
            if step >= 2:
                wish_fulfil(actor=actor, wish=wish, evidence_note="已送到家中，家人很满意")

    def build_cases(self) -> None:
        chair = self.users["songhe"]
        people = [self.users[name].person for name in GRID_MEMBERS]
        executives = [p for p in people if p is not None]
        for index, (kind, title, outcome, participates) in enumerate(DISPUTES):
            executive = executives[index % len(executives)]
            case = self.open_case(chair, kind, title, self.households[index], executive)
            if participates:
                case_add_participant(
                    actor=chair, case=case, person=executive, role=CaseParticipant.Role.MEDIATOR
                )
            if outcome == WRITTEN:
                self.agreement(chair, case, title)
            case = case_resolve(actor=chair, case=case, outcome=outcome, note="调解结束")
            case = case_verify(actor=chair, case=case, passed=True)
            case = case_close(actor=chair, case=case)
            if index % 2 == 0:
                case_rate(actor=chair, case=case, satisfaction=5 - index % 3)
        wushan = self.users["wushan"]
        case_report(
            actor=wushan,
            org=self.households[0].grid,
            kind=CaseKind.DOMESTIC_VIOLENCE,
            title="邻居反映有家暴迹象",
            household=self.households[0],
            source="visit",
        )
        self.open_case(chair, CaseKind.REQUEST, "小区路灯损坏", None, executives[1])
        # Reported days ago with the clock of that day, so it is past the warning line now.
        near = case_report(
            actor=chair,
            org=self.songhe,
            kind=CaseKind.REQUEST,
            title="低保申请进度咨询",
            now=self.near_deadline_start(),
        )
        self.process(chair, near, executives[2])

    def near_deadline_start(self) -> dt.datetime:
        """The latest report time, whole days back, whose deadline is still ahead but whose
        warning line (30 % of the time left) has passed, by the time-limit data."""
        now = timezone.now()
        days = working_days_for(kind=CaseKind.REQUEST, org=self.songhe)
        for back in range(1, 60):
            start = now - dt.timedelta(days=back)
            local = timezone.localtime(start).date()
            due = timezone.make_aware(
                dt.datetime.combine(add_working_days_loaded(local, days), dt.time(23, 59, 59))
            )
            if due - (due - start) * WARNING_SHARE <= now < due:
                return start
        return now

    def open_case(
        self, chair: User, kind: str, title: str, household: Household | None, assignee: Person
    ) -> Case:
        """Reported at Songhe, accepted, dispatched and in progress."""
        case = case_report(
            actor=chair, org=self.songhe, kind=kind, title=title, household=household
        )
        return self.process(chair, case, assignee)

    def process(self, chair: User, case: Case, assignee: Person) -> Case:
        case = case_accept(actor=chair, case=case)
        case = case_dispatch(actor=chair, case=case, assignee=assignee)
        return case_start(actor=chair, case=case)

    def agreement(self, chair: User, case: Case, title: str) -> None:
        case_save_agreement(
            actor=chair,
            case=case,
            parties="甲方：当事人一\n乙方：当事人二",
            facts=title,
            terms="双方自愿达成和解，互不追究。",
            performance="签字后即时履行。",
            signed_on=timezone.localdate(),
        )
