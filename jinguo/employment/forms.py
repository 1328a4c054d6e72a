from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.employment.selectors import venue_choices
from jinguo.employment.services import LOAN_LIMIT_YUAN
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible


class LoanApplyForm(forms.Form):
    borrower = forms.ModelMultipleChoiceField(
        label=_("借款人"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("所选人员不存在"), "required": _("请选择借款人")},
    )
    amount = forms.DecimalField(
        label=_("申请金额（元）"),
        max_digits=12,
        decimal_places=2,
        help_text=_("个人最高 %(limit)s 元") % {"limit": f"{LOAN_LIMIT_YUAN:,.0f}"},
    )
    bank = forms.CharField(label=_("贷款银行"), max_length=100)
    purpose = forms.CharField(label=_("创业项目/用途"), max_length=200)
    term_months = forms.IntegerField(label=_("期限（月）"), initial=24)
    interest_subsidy = forms.BooleanField(label=_("财政贴息"), required=False, initial=True)
    applied_on = DateField(label=_("申请日期"), initial=timezone.localdate)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "borrower").queryset = person_list_visible(user=user)

    def clean_borrower(self) -> Person:
        people = list(self.cleaned_data["borrower"])
        if len(people) != 1:
            raise forms.ValidationError(_("请只选择一人"))
        return people[0]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ApproveForm(NoteForm):
    approved_on = DateField(label=_("审批日期"), required=False, help_text=_("默认今天"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class IssueForm(NoteForm):
    issued_on = DateField(label=_("放款日期"), initial=timezone.localdate)
    issued_amount = forms.DecimalField(
        label=_("放款金额（元）"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("默认为申请金额"),
    )


class RepayForm(NoteForm):
    repaid_on = DateField(label=_("还清日期"), initial=timezone.localdate)


class JobFairForm(forms.Form):
    org = forms.ModelChoiceField(label=_("主办组织"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("名称"), max_length=100)
    held_on = DateField(label=_("举办日期"))
    venue = forms.ModelChoiceField(
        label=_("阵地"),
        queryset=Venue.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选阵地不存在")},
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    online = forms.BooleanField(label=_("线上招聘"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = model_choice(self, "org")
        org.queryset = org_list_visible(user=user).filter(kind__in=list(TERRITORIAL_LEVEL))
        org.initial = user.org_id
        model_choice(self, "venue").queryset = venue_choices(user=user)


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("用人单位"), max_length=100)
    sector = forms.CharField(label=_("行业"), max_length=50, required=False)


class PostForm(forms.Form):
    title = forms.CharField(label=_("岗位"), max_length=100)
    openings = forms.IntegerField(label=_("招聘人数"), min_value=1, initial=1)
    women_friendly = forms.BooleanField(label=_("适合女性（巾帼岗位）"), required=False)
    salary = forms.CharField(
        label=_("薪资范围"), max_length=50, required=False, help_text=_("如 3000–4500 元/月")
    )


class ResultsForm(NoteForm):
    visitors = forms.IntegerField(label=_("求职人数"), min_value=0)
    intents = forms.IntegerField(label=_("达成意向人数"), min_value=0)
