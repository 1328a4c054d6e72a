"""The demo's office work around the records, each through its service:

- the system administrator, in /admin/, moves 王志强 (领导, 宁国市) to the city's federation:
  the change waits for the security administrator's approval (an account request, 三员分立),
  and the admin writes its own log entry as it does for every change made there;
- the city's federation uploads its 公文 template for work reports and switches it on;
- 吴春霞 (巫山组网格) chooses to get her messages on 企业微信 as well, with quiet hours, so
  the day's reminders sent later reach her there too (a delivery).
"""

import datetime as dt

from django.http import HttpRequest

from jinguo.accounts.models import User
from jinguo.accounts.services import user_update
from jinguo.common.admin import site
from jinguo.inbox.services import preference_update
from jinguo.orgs.models import OrgUnit
from jinguo.reports.services import template_upload
from jinguo.reports.template_sample import sample_template_docx

TEMPLATE = ("宣城市妇联工作总结（红头公文）", "宣城市妇联工作总结模板.docx")
WECOM_USER = "WuChunXia"


class OfficeDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.city = orgs["city"]
        self.users = {u.username: u for u in User.objects.select_related("org")}

    def build(self) -> str:
        self.admin_change()
        template_upload(
            actor=self.users["city"],
            org=self.city,
            name=TEMPLATE[0],
            content=sample_template_docx(),
            filename=TEMPLATE[1],
            activate=True,
        )
        preference_update(
            user=self.users["wushan"],
            wecom=True,
            wecom_user=WECOM_USER,
            quiet_start=dt.time(22, 0),
            quiet_end=dt.time(7, 0),
        )
        return "账号变更待批1项，公文模板1个，企业微信提醒1人"

    def admin_change(self) -> None:
        """What the user admin's change page does on save: the service, then the admin's log."""
        sysadmin, leader = self.users["sysadmin"], self.users["leader"]
        user_update(
            actor=sysadmin, user=leader, full_name=leader.full_name, role=leader.role, org=self.city
        )
        request = HttpRequest()
        request.user = sysadmin
        site.get_model_admin(User).log_change(request, leader, [{"changed": {"fields": ["org"]}}])
