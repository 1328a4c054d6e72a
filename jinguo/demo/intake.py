"""The demo's public intake (有事您说话): a QR code for 嵩合社区 put up by its chair, and two
residents who scanned it, one with a request (filed as a case) and one with a wish, through
jinguo.intake.services as the public page files them."""

from jinguo.accounts.models import User
from jinguo.intake.models import Submission
from jinguo.intake.services import intake_point_create, submission_file
from jinguo.orgs.models import OrgUnit

# (kind, what the resident wrote, the name she gave, her phone, the address she wrote from).
SUBMISSIONS = [
    (
        Submission.Kind.REQUEST,
        "楼道里的路灯坏了快一个月，晚上接孩子放学很不方便，希望社区帮忙联系维修。",
        "刘女士",
        "13956312478",
        "223.240.18.77",
    ),
    (
        Submission.Kind.WISH,
        "我是留守妈妈，想学做面点，希望社区能开一期面点培训班。",
        "小周",
        "15855367021",
        "112.29.204.13",
    ),
]


class IntakeDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.songhe = orgs["songhe"]

    def build(self) -> str:
        point = intake_point_create(actor=User.objects.get(username="songhe"), org=self.songhe)
        for kind, content, name, phone, ip in SUBMISSIONS:
            submission_file(point=point, kind=kind, content=content, name=name, phone=phone, ip=ip)
        return f"二维码1个，群众诉求与心愿{len(SUBMISSIONS)}条"
