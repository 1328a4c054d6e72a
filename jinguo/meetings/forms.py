"""Forms of the meeting pages. Persons, venues and orgs come from scoped querysets: an ID from
another village is "不存在" (a form error). Picker fields (`picker_fields`) are rendered with
people/_picker.html rather than as selects."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField, DateTimeField
from jinguo.common.forms import model_choice
from jinguo.meetings.models import Meeting, MeetingKind
from jinguo.meetings.selectors import meeting_venues
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible

PUBLIC_CHOICES = [
    ("", _("按会议类型（妇女议事会、一季一议事公示）")),
    ("1", _("公示")),
    ("0", _("不公示")),
]
MISSING = {
    "invalid_choice": _("所选人员不存在"),
    "invalid_pk_value": _("所选人员不存在"),
}


def _people(label: Any, user: User) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=person_list_visible(user=user),
        required=False,
        error_messages=MISSING,
    )


def _public(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class MeetingForm(forms.Form):
    picker_fields = ("executives", "residents")

    org = forms.ModelChoiceField(label=_("召开组织"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("会议名称"), max_length=100)
    planned_at = DateTimeField(label=_("计划时间"))
    place = forms.ModelChoiceField(label=_("地点"), queryset=OrgUnit.objects.none(), required=False)
    is_public = forms.TypedChoiceField(
        label=_("公示"), choices=PUBLIC_CHOICES, coerce=_public, empty_value=None, required=False
    )

    def __init__(self, *args: Any, user: User, meeting: Meeting | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        model_choice(self, "org").queryset = org_list_visible(user=user)
        self.fields["org"].initial = user.org_id
        model_choice(self, "place").queryset = meeting_venues(user=user)
        self.fields["executives"] = _people(_("执委"), user)
        self.fields["residents"] = _people(_("群众代表、列席人员"), user)
        if meeting is not None:
            del self.fields["org"]  # a meeting stays at its unit


class HeldForm(forms.Form):
    picker_fields = ("attended", "extra_residents")

    held_on = DateField(label=_("召开日期"))
    attendee_count = forms.IntegerField(
        label=_("参会人数"),
        min_value=1,
        required=False,
        help_text=_("含未登记姓名的群众；留空则按勾选的人数"),
    )
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea, required=False)
    public_summary = forms.CharField(
        label=_("公示摘要"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("公示页显示此摘要，不要写个人姓名和隐私"),
    )

    def __init__(self, *args: Any, user: User, meeting: Meeting, **kw: Any) -> None:
        super().__init__(*args, **kw)
        invitees = Person.objects.filter(pk__in=meeting.attendees.values("person_id"))
        self.fields["attended"] = forms.ModelMultipleChoiceField(
            label=_("出席人员"), queryset=invitees, required=False, error_messages=MISSING
        )
        self.fields["extra_residents"] = _people(_("临时参会的群众"), user)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=500, required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    raised_by = forms.ModelChoiceField(
        label=_("提出人"),
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选人员不存在")},
    )
    discussion = forms.CharField(
        label=_("意见与讨论"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # Who raised it: one of the meeting's attendees.
        model_choice(self, "raised_by").queryset = Person.objects.filter(
            pk__in=meeting.attendees.values("person_id")
        )


class ResolutionForm(forms.Form):
    content = forms.CharField(label=_("决议内容"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)


class ForwardForm(NoteForm):
    field_order = ["forwarded_on", "forwarded_to", "note"]
    forwarded_on = DateField(label=_("提交日期"))
    forwarded_to = forms.CharField(
        label=_("提交至"), max_length=100, help_text=_("如：嵩合社区两委会议")
    )


class CompleteForm(forms.Form):
    done_on = DateField(label=_("落实日期"))
    result = forms.CharField(label=_("落实结果"), widget=forms.Textarea(attrs={"rows": 2}))
