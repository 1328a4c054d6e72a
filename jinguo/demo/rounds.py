"""The demo's report rounds (报送任务), built through the rounds services as 河沥溪街道's cadre.

A work-report round for the current year so far, due in a few days, to every village and
community of 河沥溪街道: 嵩合社区 submits its drafted report with one paragraph of 四、下一步打算
reworded (every number kept) and a photo of its executives' visits, and the street approves
it; 西山村 submits the draft as it stands and the street returns it with a reason; the other
units have not answered yet. And a small form (a few figures and one question) that 嵩合社区
has answered and the street has not yet reviewed. Built last: the figures and words are read
from everything the other demos made.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.demo.files import photo
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.rounds.filling import draft_report
from jinguo.rounds.models import Round, Target
from jinguo.rounds.services import (
    round_create,
    submission_approve,
    submission_return,
    target_photos_add,
    target_submit,
)

WORK_DAYS_LEFT = 5
FORM_DAYS_LEFT = 10
# What 嵩合社区 adds to the first paragraph of its plans: words only, so every number stays.
PLAN_ADDITION = "，由包保执委分片负责、逐月通报进度"
RETURN_REASON = "“存在问题”写得过于笼统，请结合走访台账补充具体原因和整改措施后重新报送。"
PHOTO_CAPTION = "执委按网格入户走访困难家庭"
FORM_FIGURES = [
    "coverage.grids",
    "coverage.households",
    "cases.disputes",
    "meetings.held",
    "activities.held",
    "trainings.sessions",
]
FORM_QUESTION = "本年度妇联工作最突出的一项亮点是什么？请简要说明。"
FORM_ANSWER = (
    "依托六个居民组网格推行执委联户包保，重点户走访和矛盾纠纷排查做到早发现、早介入、早化解。"
)


def reworded(paragraph: str) -> str:
    """The paragraph with PLAN_ADDITION before its closing punctuation («；» or «。»)."""
    body, end = (paragraph[:-1], paragraph[-1]) if paragraph[-1:] in "；。" else (paragraph, "")
    return f"{body}{PLAN_ADDITION}{end}"


class RoundsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.helixi = orgs["helixi"]
        self.songhe, self.xishan = orgs["songhe"], orgs["xishan"]
        self.users = {u.username: u for u in User.objects.select_related("org")}
        self.units = list(
            OrgUnit.objects.filter(
                parent=self.helixi, kind__in=[Kind.VILLAGE, Kind.COMMUNITY], is_active=True
            ).order_by("path")
        )

    def build(self) -> str:
        street = self.users["helixi"]
        today = timezone.localdate()
        start = today.replace(month=1, day=1)
        work = round_create(
            actor=street,
            org=self.helixi,
            title=f"{today.year}年度妇联工作总结报送",
            kind=Round.Kind.WORK_REPORT,
            start=start,
            end=today,
            deadline=today + dt.timedelta(days=WORK_DAYS_LEFT),
            targets=self.units,
            note="请各村（社区）妇联对照台账核对数据，修改完善文字后报送，可附工作照片。",
            photos=Round.Photos.OPTIONAL,
        )
        self.build_songhe(work)
        self.build_xishan(work)
        form = round_create(
            actor=street,
            org=self.helixi,
            title=f"{today.year}年度妇联基层组织和工作情况统计",
            kind=Round.Kind.FORM,
            start=start,
            end=today,
            deadline=today + dt.timedelta(days=FORM_DAYS_LEFT),
            targets=self.units,
            figure_keys=FORM_FIGURES,
            questions=[FORM_QUESTION],
        )
        target_submit(
            actor=self.users["songhe"],
            target=form.targets.get(org=self.songhe),
            texts={},
            answers=[FORM_ANSWER],
        )
        pending = work.targets.filter(status=Target.Status.PENDING).count()
        return (
            f"报送任务2项：工作总结报送{len(self.units)}个单位（通过1、退回1、待报送{pending}），"
            f"数据报表已报1个"
        )

    def build_songhe(self, work: Round) -> None:
        """嵩合社区 rewords the first paragraph of its plans and the street approves."""
        chair = self.users["songhe"]
        target = work.targets.get(org=self.songhe)
        report = draft_report(user=chair, org=self.songhe, round_=work)
        plans = next(p for p in report.parts if p.key == "plans").paragraphs
        edited = [reworded(plans[0]), *plans[1:]]
        target_photos_add(
            actor=chair, target=target, files=[photo("执委入户走访.jpg")], caption=PHOTO_CAPTION
        )
        submission = target_submit(actor=chair, target=target, texts={"plans": edited}, answers=[])
        submission_approve(
            actor=self.users["helixi"], submission=submission, note="数据与台账一致，同意。"
        )

    def build_xishan(self, work: Round) -> None:
        """西山村 submits the draft as drafted and the street returns it."""
        target = work.targets.get(org=self.xishan)
        submission = target_submit(actor=self.users["xishan"], target=target, texts={}, answers=[])
        submission_return(actor=self.users["helixi"], submission=submission, reason=RETURN_REASON)
