from typing import Any

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.honours.models import FamilyTitle, HonourLevel, IndividualTitle
from jinguo.households.models import Household
from jinguo.households.selectors import household_get_for_user
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible

FAMILY_ORG_KINDS = [Kind.VILLAGE, Kind.COMMUNITY, Kind.GRID, Kind.MICRO_GRID]


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("年度"), initial=lambda: timezone.localdate().year)


class _HonourForm(forms.Form):
    other_title = forms.CharField(
        label=_("其他称号名称"), max_length=50, required=False, help_text=_("称号选“其他”时填写")
    )
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    year = _year_field()
    deeds = forms.CharField(
        label=_("事迹"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class FamilyNominateForm(_HonourForm):
    org = forms.ModelChoiceField(
        label=_("所在村（社区）或网格"), queryset=OrgUnit.objects.none(), required=False
    )
    household = forms.IntegerField(
        label=_("家庭台账编号"),
        required=False,
        widget=forms.HiddenInput,
    )
    family_name = forms.CharField(label=_("家庭名称"), max_length=50, help_text=_("如“王秀英家庭”"))
    title = forms.ChoiceField(label=_("称号"), choices=FamilyTitle.choices)
    theme = forms.CharField(
        label=_("特色主题"),
        max_length=20,
        required=False,
        help_text=_("特色家庭填写：书香、廉洁、绿色、平安…"),
    )
    field_order = ["org", "household", "family_name", "title", "theme", "other_title"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        model_choice(self, "org").queryset = org_list_visible(user=user).filter(
            kind__in=FAMILY_ORG_KINDS
        )

    def clean_household(self) -> Household | None:
        household_id = self.cleaned_data.get("household")
        if not household_id:
            return None
        try:
            return household_get_for_user(user=self.user, household_id=household_id, for_write=True)
        except Http404:
            raise forms.ValidationError(_("该家庭不存在")) from None


class IndividualNominateForm(_HonourForm):
    person = forms.ModelMultipleChoiceField(
        label=_("获奖人"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("所选人员不存在"), "required": _("请选择获奖人")},
    )
    title = forms.ChoiceField(label=_("称号"), choices=IndividualTitle.choices)
    field_order = ["person", "title", "other_title"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = person_list_visible(user=user)

    def clean_person(self) -> Person:
        people = list(self.cleaned_data["person"])
        if len(people) != 1:
            raise forms.ValidationError(_("请只选择一人"))
        return people[0]


class ApproveForm(forms.Form):
    awarded_on = DateField(
        label=_("授予日期"),
        required=False,
        help_text=_("默认今天"),
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(forms.Form):
    # Required by the service, which says so in Chinese.
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
