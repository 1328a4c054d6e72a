from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.common.dates import TimeField
from jinguo.inbox.models import Preference
from jinguo.inbox.services import PREFERENCE_FIELDS


class PreferenceForm(forms.Form):
    sms = forms.BooleanField(
        label=_("短信"),
        required=False,
        help_text=_("短信只写标题和“请登录巾帼网格查看”，需账号登记手机号"),
    )
    wecom = forms.BooleanField(label=_("企业微信"), required=False)
    wecom_user = forms.CharField(
        label=_("企业微信账号"), max_length=64, required=False, help_text=_("留空时使用您的用户名")
    )
    quiet_start = TimeField(label=_("免打扰开始"))
    quiet_end = TimeField(
        label=_("免打扰结束"),
        help_text=_("免打扰时段内的短信和企业微信消息推迟到时段结束后发送"),
    )

    @staticmethod
    def initial_of(pref: Preference) -> dict[str, object]:
        return {name: getattr(pref, name) for name in PREFERENCE_FIELDS}
