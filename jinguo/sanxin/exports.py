"""The columns of the sanxin exports: organisations, and workers (or the women roster).

No ID numbers; phones masked."""

from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column, yes_no
from jinguo.sanxin.models import SanxinOrg, SanxinWorker

ORG_COLUMNS: list[Column[SanxinOrg]] = [
    Column(_("名称"), lambda o: o.name),
    Column(_("统一社会信用代码"), lambda o: o.credit_code),
    Column(_("登记组织"), lambda o: o.org.name),
    Column(_("类别"), lambda o: o.get_category_display()),
    Column(_("行业"), lambda o: o.get_sector_display()),
    Column(_("从业人员数"), lambda o: o.workers),
    Column(_("女性从业人员数"), lambda o: o.women_workers),
    Column(_("已建党组织"), lambda o: yes_no(o.has_party_org)),
    Column(_("已建妇联"), lambda o: yes_no(o.has_federation)),
    Column(_("妇联组织"), lambda o: o.federation.name if o.federation else ""),
    Column(_("妇联建立日期"), lambda o: o.federation_established_on),
    Column(_("联系人"), lambda o: o.contact_name),
    Column(_("联系电话"), lambda o: o.masked_contact_phone),
    Column(_("地址"), lambda o: o.address),
    Column(_("登记日期"), lambda o: o.registered_on),
]

WORKER_COLUMNS: list[Column[SanxinWorker]] = [
    Column(_("姓名"), lambda w: w.person.name),
    Column(_("性别"), lambda w: w.person.get_gender_display()),
    Column(_("联系电话"), lambda w: w.person.masked_phone),
    Column(_("三新组织"), lambda w: w.sanxin_org.name),
    Column(_("登记组织"), lambda w: w.sanxin_org.org.name),
    Column(_("岗位"), lambda w: w.position),
    Column(_("入职日期"), lambda w: w.joined_on),
]
