import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.activities import selectors
from jinguo.activities.models import Activity, ActivityKind, ActivitySeries
from jinguo.common.dates import DateField, TimeField
from jinguo.common.uploads import IMAGE, upload_validator
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.people.models import Person
from jinguo.people.selectors import person_list_visible

RECENT_DAYS = 365
WEEKDAYS = [
    (0, _("星期一")),
    (1, _("星期二")),
    (2, _("星期三")),
    (3, _("星期四")),
    (4, _("星期五")),
    (5, _("星期六")),
    (6, _("星期日")),
]


class VenueField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


class ActivityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.starts_on:%Y-%m-%d} {obj.title}"


class _VenueMixin(forms.Form):
    def limit_venue(self, *, user: User, org: OrgUnit) -> None:
        field = cast(forms.ModelChoiceField, self.fields["venue"])
        field.queryset = selectors.venues_for_org(user=user, org=org)


class ActivityForm(_VenueMixin):
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    venue = VenueField(label=_("活动阵地"), queryset=Venue.objects.none(), required=False)
    starts_on = DateField(label=_("活动日期"))
    start_time = TimeField(label=_("开始时间"), required=False)
    description = forms.CharField(
        label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # Rendered by the people picker (people_tags.people_picker), not by form_fields.html.
    organisers = forms.ModelMultipleChoiceField(
        label=_("组织者"),
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("人员不存在"), "invalid_pk_value": _("人员不存在")},
    )

    def __init__(self, *args: Any, user: User, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_venue(user=user, org=org)
        organisers = cast(forms.ModelMultipleChoiceField, self.fields["organisers"])
        organisers.queryset = person_list_visible(user=user)

    def plain_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name != "organisers"]


class SeriesForm(_VenueMixin):
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    venue = VenueField(label=_("活动阵地"), queryset=Venue.objects.none(), required=False)
    rule = forms.ChoiceField(
        label=_("重复规则"),
        choices=ActivitySeries.Rule.choices,
        widget=forms.RadioSelect,
        initial="monthly",
    )
    day_of_month = forms.IntegerField(
        label=_("每月几号"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("没有这一天的月份在月末举办"),
    )
    weekday = forms.TypedChoiceField(
        label=_("每周星期几"),
        choices=[("", "---------"), *WEEKDAYS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    starts_on = DateField(label=_("开始日期"))
    ends_on = DateField(label=_("结束日期"), required=False)

    def __init__(self, *args: Any, user: User, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_venue(user=user, org=org)


class RegisterForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("人员"),
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("人员不存在")},
    )
    name = forms.CharField(label=_("或填写姓名（无人员档案的群众）"), max_length=50, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = cast(forms.ModelChoiceField, self.fields["person"])
        person.queryset = person_list_visible(user=user)


class HoldForm(forms.Form):
    headcount = forms.IntegerField(label=_("参与人次"), min_value=1)
    summary = forms.CharField(label=_("活动小结"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(
        label=_("活动照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        validators=[upload_validator(IMAGE)],
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("队伍名称"), max_length=100)
    founded_on = DateField(label=_("成立日期"), required=False)


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("志愿者"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("人员不存在")},
    )
    joined_on = DateField(label=_("加入日期"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = cast(forms.ModelChoiceField, self.fields["person"])
        person.queryset = person_list_visible(user=user)


class HoursForm(forms.Form):
    served_on = DateField(label=_("服务日期"))
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), max_digits=4, decimal_places=1, min_value=0.5, max_value=24
    )
    activity = ActivityField(
        label=_("服务活动"),
        queryset=Activity.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("活动不存在")},
    )
    note = forms.CharField(label=_("服务内容"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["activity"])
        since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
        field.queryset = (
            selectors.activities_visible(user=user)
            .filter(org.subtree_q("org__"), starts_on__gte=since)
            .exclude(status=Activity.Status.CANCELLED)
            .order_by("-starts_on", "-id")
        )
