from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.intake.models import Submission

HONEYPOT = "website"


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("您要说的是"),
        choices=Submission.Kind.choices,
        widget=forms.RadioSelect,
        initial=Submission.Kind.REQUEST,
    )
    content = forms.CharField(
        label=_("请写下您的事"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    name = forms.CharField(label=_("怎么称呼您（可不填）"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("联系电话（用于答复您）"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # Hidden from people; bots that fill every field give themselves away.
    website = forms.CharField(required=False, label=_("请勿填写"))

    def clean_website(self) -> str:
        value: str = self.cleaned_data.get(HONEYPOT, "")
        if value:
            raise forms.ValidationError(_("提交未被接受"))
        return value

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop(HONEYPOT, None)
        return data


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("您满意吗"),
        coerce=int,
        choices=[
            (5, _("非常满意")),
            (4, _("满意")),
            (3, _("一般")),
            (2, _("不满意")),
            (1, _("很不满意")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("还想说的话（可不填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PointForm(forms.Form):
    org = forms.IntegerField(widget=forms.HiddenInput)
