from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.common.dates import DateField


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("操作"), required=False, max_length=40)
    username = forms.CharField(label=_("账号"), required=False, max_length=50)
    target_type = forms.CharField(label=_("对象类型"), required=False, max_length=60)
    target_id = forms.CharField(label=_("对象编号"), required=False, max_length=40)
    since = DateField(label=_("起始日期"), required=False)
    until = DateField(label=_("截止日期"), required=False)
