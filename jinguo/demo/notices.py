"""The demo's notices and tasks (通知、任务), sent through the notices services by 河沥溪街道's
cadre, so that the read and done figures show.

- A notice to the street's communities about the 执委进网格 visits to families in difficulty:
  嵩合社区's chair has read it, the other communities have not.
- A notice to every village and community about the 三八 activities: 西山村 has read it,
  嵩合社区 has not (it waits on her home page).
  Its attachment is the street's schedule of the activities (a workbook).
- A task to the communities: 摸排困境儿童和留守妇女家庭, due in a week; 嵩合社区 has returned it
  done, with what it found, two photos and a visit its executives made; the others are not
  started.
Built after the other demos: the return links to a record they made.
"""

import datetime as dt

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.demo.files import photo, workbook
from jinguo.notices.models import Audience, Notice, Task, TaskRecipient
from jinguo.notices.services import notice_read, notice_send
from jinguo.notices.task_services import task_create, task_return
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.visits.selectors import visit_list

VISIT_NOTICE = (
    "关于深化“妇联执委进网格”做好困难家庭走访的通知",
    "各社区妇联：\n"
    "为深化“妇联执委进网格”工作，推广嵩合社区“网格包保制”做法，请各社区妇联组织执委按网格"
    "包保到户，重点走访低保户、残疾和大病家庭、困境儿童家庭，做到“不漏一户、不漏一人”。"
    "走访情况请及时录入台账，能当场解决的当即解决，不能解决的及时向街道妇联反馈。",
)
MARCH_NOTICE = (
    "关于开展“三八”国际妇女节系列活动的通知",
    "各村（社区）妇联：\n"
    "请结合“三八”国际妇女节和“我们的节日”，组织妇联执委、妇女代表开展拓展训练、手工DIY、"
    "家庭教育讲座等活动，展现新时代女性积极向上的幸福生活。活动开展后请在系统中登记活动并上传照片。",
)
# The March notice's attachment: the street's schedule of the week's activities.
MARCH_SCHEDULE = (
    "“三八”节系列活动安排表.xlsx",
    [
        ["序号", "活动名称", "时间", "地点", "参加对象"],
        ["1", "巾帼拓展训练", "3月6日上午", "街道文体广场", "各社区妇联执委"],
        ["2", "手工DIY·巧手编织", "3月7日下午", "嵩合社区妇女之家", "辖区妇女群众"],
        ["3", "家庭教育公益讲座", "3月8日上午", "街道新时代文明实践所", "儿童家长"],
    ],
)
TASK = (
    "摸排辖区困境儿童和留守妇女家庭",
    "请各社区妇联依托网格执委，对辖区困境儿童和留守妇女家庭逐户摸排，反馈摸排户数、"
    "主要困难和已落实的帮扶措施，可关联走访记录。",
)
TASK_DAYS_LEFT = 7
SONGHE_RETURN = (
    "已由9名执委按6个网格逐户摸排，确认困境儿童家庭3户、留守妇女家庭5户，"
    "均已建立台账并落实包保执委；其中1户已协调申请临时救助。"
)


class NoticesDemo:
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
        visit = notice_send(
            actor=street,
            org=self.helixi,
            title=VISIT_NOTICE[0],
            body=VISIT_NOTICE[1],
            audience=Audience.LEVEL,
            level=Kind.COMMUNITY,
        )
        notice_read(notice=visit, user=self.users["songhe"])
        march = notice_send(
            actor=street,
            org=self.helixi,
            title=MARCH_NOTICE[0],
            body=MARCH_NOTICE[1],
            audience=Audience.CHOSEN,
            units=self.units,
            attachments=[workbook(MARCH_SCHEDULE[0], MARCH_SCHEDULE[1])],
        )
        notice_read(notice=march, user=self.users["xishan"])
        task = task_create(
            actor=street,
            org=self.helixi,
            title=TASK[0],
            body=TASK[1],
            deadline=timezone.localdate() + dt.timedelta(days=TASK_DAYS_LEFT),
            audience=Audience.LEVEL,
            level=Kind.COMMUNITY,
            photos=Task.Photos.OPTIONAL,
        )
        self.build_return(task)
        return (
            f"通知2份（{self.figures(visit)}；{self.figures(march)}），"
            f"任务1项（已完成{task.recipients.filter(status='done').count()}/"
            f"{task.recipients.count()}）"
        )

    def build_return(self, task: Task) -> None:
        chair = self.users["songhe"]
        visits = visit_list(user=chair).order_by("-visited_on", "-id")[:1]
        task_return(
            actor=chair,
            recipient=TaskRecipient.objects.get(task=task, org=self.songhe, user=None),
            text=SONGHE_RETURN,
            records=[{"kind": "visit", "id": v.pk} for v in visits],
            photos=[photo("入户摸排1.jpg"), photo("入户摸排2.jpg", shade=2)],
        )

    @staticmethod
    def figures(notice: Notice) -> str:
        read = notice.targets.exclude(read_at=None).count()
        return f"已读{read}/{notice.targets.count()}"
