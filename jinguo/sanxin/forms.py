from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.orgs.kinds import TERRITORIAL_LEVEL, Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible
from jinguo.sanxin.models import Category, SanxinOrg, SanxinTarget, Sector
from jinguo.sanxin.selectors import sanxin_org_choices


def _writable_orgs(user: User) -> Any:
    kinds = [*TERRITORIAL_LEVEL, Kind.INDUSTRY]
    return org_list_visible(user=user).filter(kind__in=kinds).order_by("path")


class SanxinOrgForm(forms.Form):
    org = forms.ModelChoiceField(label=_("登记组织"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("18位，可不填；填写时校验第18位校验码"),
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    sector = forms.ChoiceField(label=_("行业"), choices=Sector.choices)
    workers = forms.IntegerField(label=_("从业人员数"), min_value=0, initial=0)
    women_workers = forms.IntegerField(label=_("女性从业人员数"), min_value=0, initial=0)
    has_party_org = forms.BooleanField(label=_("已建党组织"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    registered_on = DateField(label=_("登记日期"), required=False)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice(self, "org")
        field.queryset = _writable_orgs(user)
        if editing:
            del self.fields["org"]


class SanxinOrgEditForm(SanxinOrgForm):
    is_active = forms.BooleanField(label=_("有效（取消勾选即注销）"), required=False)


class EstablishForm(forms.Form):
    name = forms.CharField(label=_("妇联组织名称"), max_length=100)
    established_on = DateField(label=_("建立日期"))


class WorkerForm(forms.Form):
    person = forms.ModelMultipleChoiceField(
        label=_("已登记的人员"), queryset=Person.objects.none(), required=False
    )
    name = forms.CharField(label=_("或新登记：姓名"), max_length=50, required=False)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "—"), *Person.Gender.choices], required=False
    )
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    position = forms.CharField(label=_("岗位"), max_length=50, required=False)
    joined_on = DateField(label=_("入职日期"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = person_list_visible(user=user)

    def clean_person(self) -> Person | None:
        chosen = list(self.cleaned_data.get("person") or [])
        if len(chosen) > 1:
            raise forms.ValidationError(_("一次只能选择一人"))
        return chosen[0] if chosen else None

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        new_person = None
        if data.get("person") is None and data.get("name"):
            new_person = {
                "name": data["name"],
                "gender": data.get("gender", ""),
                "id_number": data.get("id_number", ""),
                "phone": data.get("phone", ""),
            }
        return {
            "person": data.get("person"),
            "new_person": new_person,
            "position": data.get("position", ""),
            "joined_on": data["joined_on"],
        }


class LeaveForm(forms.Form):
    left_on = DateField(label=_("离开日期"))


class ExemplaryForm(forms.Form):
    person = forms.ModelMultipleChoiceField(label=_("女性"), queryset=Person.objects.none())
    org = forms.ModelChoiceField(label=_("推荐组织"), queryset=OrgUnit.objects.none())
    sanxin_org = forms.ModelChoiceField(
        label=_("所在三新组织"), queryset=SanxinOrg.objects.none(), required=False
    )
    reason = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 3}))
    listed_on = DateField(label=_("入册日期"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = person_list_visible(user=user)
        model_choice(self, "org").queryset = _writable_orgs(user)
        self.fields["org"].initial = user.org_id
        model_choice(self, "sanxin_org").queryset = sanxin_org_choices(user=user)

    def clean_person(self) -> Person:
        chosen = list(self.cleaned_data.get("person") or [])
        if len(chosen) != 1:
            raise forms.ValidationError(_("请选择一人"))
        return chosen[0]


class DelistForm(forms.Form):
    delisted_on = DateField(label=_("出册日期"))
    reason = forms.CharField(label=_("出册原因"), max_length=200, required=False)


class TargetForm(forms.Form):
    org = forms.ModelChoiceField(label=_("组织"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("目标名称"), max_length=100)
    metric = forms.ChoiceField(label=_("指标"), choices=SanxinTarget.Metric.choices)
    target_value = forms.IntegerField(label=_("目标值"), min_value=1)
    period_start = DateField(label=_("起始日期"))
    deadline = DateField(label=_("截止日期"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "org").queryset = org_list_visible(user=user).filter(
            kind__in=list(TERRITORIAL_LEVEL)
        )
        self.fields["org"].initial = user.org_id
