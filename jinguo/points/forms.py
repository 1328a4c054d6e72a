from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.common.uploads import IMAGE, upload_validator
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible
from jinguo.points.models import Action, CapPeriod, Nomination
from jinguo.points.services import MAX_RULE_CAP, MAX_RULE_POINTS

LEVELS = [(4, _("村（社区）")), (3, _("乡镇（街道）")), (2, _("县（区）")), (1, _("市"))]


class RuleForm(forms.Form):
    action = forms.ChoiceField(label=_("履职事项"), choices=Action.choices)
    points = forms.IntegerField(label=_("积分"), min_value=0, max_value=MAX_RULE_POINTS)
    cap = forms.IntegerField(
        label=_("积分上限"), min_value=1, max_value=MAX_RULE_CAP, required=False
    )
    cap_period = forms.ChoiceField(label=_("上限周期"), choices=CapPeriod.choices)
    approver_level = forms.TypedChoiceField(
        label=_("审核层级"), choices=LEVELS, coerce=int, initial=4
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    valid_from = DateField(label=_("生效日期"), initial=timezone.localdate)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class RulingForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("申诉成立")), ("0", _("驳回申诉"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class _PersonForm(forms.Form):
    picker_fields = ("person",)  # rendered by the people picker, not by form_fields.html
    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("执委"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("该人员不存在")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = person_list_visible(user=user)


class CorrectForm(_PersonForm):
    amount = forms.IntegerField(
        label=_("更正积分"), help_text=_("正数加分，负数扣分"), min_value=-10000, max_value=10000
    )
    reason = forms.CharField(label=_("理由"), max_length=500)


class NominationForm(_PersonForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("推荐理由"), widget=forms.Textarea(attrs={"rows": 3}))


class NominationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Nomination.Status.choices)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ItemForm(forms.Form):
    name = forms.CharField(label=_("物品"), max_length=100)
    price = forms.IntegerField(label=_("兑换积分"), min_value=1)
    stock = forms.IntegerField(label=_("库存"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("上架"), required=False, initial=True)
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        validators=[upload_validator(IMAGE)],
    )


class RestockForm(forms.Form):
    quantity = forms.IntegerField(label=_("入库数量"), help_text=_("负数表示报损出库"))


class RedeemForm(forms.Form):
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=100, initial=1)
