"""HTML forms of the people pages. They parse input; the services decide what is valid."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinguo.common.dates import DateField
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person
from jinguo.people.reasons import MAX_EXPLANATION, RevealPurpose


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=40,
        required=False,
        help_text=_("18位；出生日期和性别从号码中读取。"),
    )
    gender = forms.ChoiceField(
        label=_("性别"),
        choices=[("", _("按身份证号")), *Person.Gender.choices],
        required=False,
    )
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    education = forms.ChoiceField(
        label=_("文化程度"), choices=Person.Education.choices, required=False
    )
    party_member = forms.BooleanField(label=_("中共党员"), required=False)


class PersonUpdateForm(PersonForm):
    """Numbers are never shown whole in a form: a blank number field keeps the stored one."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        initial = {
            "name": person.name,
            "gender": person.gender,
            "education": person.education,
            "party_member": person.party_member,
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        keep = _("留空则不修改")
        self.fields["id_number"].help_text = f"{keep}（{person.masked_id or '—'}）"
        self.fields["phone"].help_text = f"{keep}（{person.masked_phone or '—'}）"

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for field in ("id_number", "phone"):
            if not data[field].strip():
                data[field] = None
        return data


class UnmaskForm(forms.Form):
    """A purpose from the list and an explanation (people.reasons decides what is enough)."""

    purpose = forms.ChoiceField(
        label=_("查看目的"),
        choices=[("", _("请选择")), *RevealPurpose.choices],
        error_messages={"required": _("请选择查看目的")},
    )
    reason = forms.CharField(
        label=_("具体说明"),
        max_length=MAX_EXPLANATION,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请具体说明事由")},
        help_text=_(
            "写明涉及的事项和对象，例如：为其办理临时救助申请，需核对身份证号。"
            "至少5个字，选“其他”时至少10个字。查看将记入审计日志。"
        ),
    )


class SeatForm(forms.Form):
    org = forms.ModelChoiceField(label=_("妇联组织"), queryset=OrgUnit.objects.none())
    post = forms.ChoiceField(label=_("职务"), choices=ExecutiveSeat.Post.choices)
    full_time = forms.BooleanField(label=_("专职"), required=False)
    term_start = DateField(label=_("任期开始"))
    term_end = DateField(label=_("任期结束"), required=False)

    def __init__(self, *args: Any, orgs: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["org"])
        field.queryset = OrgUnit.objects.filter(pk__in=[o.pk for o in orgs])
        if orgs:
            field.initial = orgs[-1].pk


class SeatEndForm(forms.Form):
    ended_on = DateField(label=_("离任日期"))
    reason = forms.CharField(label=_("离任原因"), max_length=200)


class ConcurrentPostForm(forms.Form):
    kind = forms.ChoiceField(label=_("兼任职务"), choices=ConcurrentPost.Kind.choices)
    org = forms.ModelChoiceField(label=_("所在组织"), queryset=OrgUnit.objects.none())
    start_date = DateField(label=_("开始日期"))

    def __init__(self, *args: Any, orgs: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["org"])
        field.queryset = OrgUnit.objects.filter(pk__in=[o.pk for o in orgs]).order_by("path")


class EndDateForm(forms.Form):
    end_date = DateField(label=_("结束日期"))


class TeamForm(forms.Form):
    name = forms.CharField(label=_("团队名称"), max_length=100)
    project = forms.CharField(label=_("领办项目"), max_length=200, required=False)


class _PersonChoiceForm(forms.Form):
    person = forms.ModelChoiceField(label=_("执委"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["person"])
        field.queryset = people


class TeamMemberForm(_PersonChoiceForm):
    start_date = DateField(label=_("加入日期"))
    is_leader = forms.BooleanField(label=_("团长"), required=False)


class RotationForm(_PersonChoiceForm):
    start_date = DateField(label=_("开始日期"))
    end_date = DateField(label=_("结束日期"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
