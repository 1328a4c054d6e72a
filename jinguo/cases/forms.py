from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.cases.handlers import case_handler_choices
from jinguo.cases.models import Case, CaseKind, CaseParticipant
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.orgs.kinds import TERRITORIAL_LEVEL
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person


class CaseReportForm(forms.Form):
    org = forms.ModelChoiceField(label=_("上报组织"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    description = forms.CharField(label=_("情况描述"), widget=forms.Textarea, required=False)
    reporter_name = forms.CharField(label=_("反映人"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("反映人电话"), max_length=20, required=False)
    sensitive = forms.BooleanField(
        label=_("敏感案件"),
        required=False,
        help_text=_("涉及隐私的案件不写入工作报告的典型案事件；家庭暴力案件一律按敏感处理"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice(self, "org")
        field.queryset = org_list_visible(user=user).filter(kind__in=list(TERRITORIAL_LEVEL))
        field.initial = user.org_id


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(forms.Form):
    # Required by the service, which says so in Chinese; the form lets it speak.
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class DispatchForm(NoteForm):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=Person.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "assignee").queryset = case_handler_choices(case=case)


class ParticipantForm(forms.Form):
    person = forms.ModelChoiceField(label=_("执委"), queryset=Person.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=CaseParticipant.Role.choices)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = case_handler_choices(case=case)


class DelayForm(ReasonForm):
    days = forms.IntegerField(label=_("延期（工作日）"), min_value=1, max_value=30)


class ResolveForm(NoteForm):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=Case.Outcome.choices, required=False)


class VerifyForm(NoteForm):
    passed = forms.TypedChoiceField(
        label=_("核查结果"),
        choices=[("1", _("通过")), ("0", _("不通过，退回处置"))],
        coerce=lambda value: value == "1",
    )


class RateForm(NoteForm):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"), choices=[(str(n), str(n)) for n in range(5, 0, -1)], coerce=int
    )


class SuperviseForm(NoteForm):
    level = forms.ChoiceField(
        label=_("督办"),
        choices=[(Case.Supervision.YELLOW, _("黄牌督办")), (Case.Supervision.RED, _("红牌督办"))],
    )


class AgreementForm(forms.Form):
    parties = forms.CharField(
        label=_("当事人"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人：姓名，身份，住址"),
    )
    facts = forms.CharField(label=_("纠纷主要事实、争议事项"), widget=forms.Textarea)
    terms = forms.CharField(label=_("经调解自愿达成的协议"), widget=forms.Textarea)
    performance = forms.CharField(
        label=_("履行方式、时限"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    signed_on = DateField(label=_("签订日期"))
