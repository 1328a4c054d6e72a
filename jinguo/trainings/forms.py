"""Forms of the training pages. Every choice a user can post (org, venue, person) comes from a
queryset limited to her scope, so a record of another village is "不存在" (a form error)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible
from jinguo.trainings.models import MAX_HOURS, MIN_HOURS, Audience, Topic
from jinguo.trainings.selectors import venue_choices

NOT_FOUND = {"invalid_choice": _("所选人员不存在"), "invalid_pk_value": _("所选人员不存在")}


class CourseForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("主办组织"),
        queryset=OrgUnit.objects.none(),
        error_messages={"invalid_choice": _("组织不存在")},
    )
    title = forms.CharField(label=_("课程名称"), max_length=100)
    topic = forms.ChoiceField(label=_("主题"), choices=Topic.choices)
    audience = forms.ChoiceField(label=_("对象"), choices=Audience.choices)
    planned_hours = forms.DecimalField(
        label=_("计划学时"), max_digits=5, decimal_places=1, min_value=Decimal("0.5")
    )
    description = forms.CharField(
        label=_("课程简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice(self, "org")
        field.queryset = org_list_visible(user=user)
        field.initial = user.org_id


class SessionForm(forms.Form):
    held_on = DateField(label=_("日期"))
    hours = forms.DecimalField(
        label=_("学时"),
        max_digits=4,
        decimal_places=1,
        help_text=_("0.5到12小时"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    venue = forms.ModelChoiceField(
        label=_("阵地"),
        queryset=Venue.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("阵地不存在")},
    )
    place = forms.CharField(
        label=_("地点"), max_length=200, required=False, help_text=_("不在阵地举办时填写")
    )
    trainer = forms.CharField(label=_("授课人"), max_length=50, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "venue").queryset = venue_choices(user=user)

    def clean_hours(self) -> Decimal:
        hours: Decimal = self.cleaned_data["hours"]
        if not MIN_HOURS <= hours <= MAX_HOURS:
            raise forms.ValidationError(
                _("学时须在%(low)s到%(high)s小时之间") % {"low": MIN_HOURS, "high": MAX_HOURS}
            )
        return hours


class _PeopleForm(forms.Form):
    def _limit(self, user: User, *names: str) -> None:
        for name in names:
            model_choice(self, name).queryset = person_list_visible(user=user)


class EnrolForm(_PeopleForm):
    people = forms.ModelMultipleChoiceField(
        label=_("学员"), queryset=Person.objects.none(), error_messages=NOT_FOUND
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(user, "people")


class AttendanceForm(_PeopleForm):
    attended = forms.ModelMultipleChoiceField(
        label=_("出勤学员"),
        queryset=Person.objects.none(),
        required=False,
        error_messages=NOT_FOUND,
    )
    walk_ins = forms.ModelMultipleChoiceField(
        label=_("临时参加"),
        queryset=Person.objects.none(),
        required=False,
        error_messages=NOT_FOUND,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(user, "attended", "walk_ins")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)
