from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.visits.models import Channel, ServiceKind, Wish


class VisitForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("走访方式"), choices=Channel.choices, widget=forms.RadioSelect, initial="home"
    )
    services = forms.MultipleChoiceField(
        label=_("服务内容"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    visited_on = forms.DateField(
        label=_("走访日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class WishForm(forms.Form):
    content = forms.CharField(label=_("心愿内容"), max_length=500)
    category = forms.ChoiceField(label=_("类别"), choices=Wish.Category.choices)


class ClaimForm(forms.Form):
    donor_name = forms.CharField(label=_("认领单位或个人"), max_length=100)


class FulfilForm(forms.Form):
    evidence_note = forms.CharField(label=_("实现情况"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(
        label=_("佐证照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class CancelForm(forms.Form):
    note = forms.CharField(label=_("取消原因"), max_length=200, required=False)
