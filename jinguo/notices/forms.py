"""Forms of notices and tasks. The units and people they may go to come from the sender's unit
(units strictly below it); anything else posted is a form error."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.uploads import IMAGE, upload_validator
from jinguo.notices.audience import units_below_q
from jinguo.notices.models import Audience, Task
from jinguo.notices.records import RecordChoice, parse_choice
from jinguo.notices.services import ATTACHMENT_KINDS
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit

# Units one may pick one by one: not the grids (thousands in a city), which "all" or a level
# reaches.
CHOSEN_KINDS = (Kind.COUNTY, Kind.TOWNSHIP, Kind.VILLAGE, Kind.COMMUNITY)
NOT_BELOW = _("所选单位不存在或不在本单位之下")


def unit_choices(*, org: OrgUnit) -> QuerySet[OrgUnit]:
    """Active units below `org` that may be chosen one by one, in tree order."""
    return OrgUnit.objects.filter(units_below_q(org), kind__in=CHOSEN_KINDS).order_by("path")


def level_choices(*, org: OrgUnit) -> list[tuple[str, str]]:
    """The kinds of unit found below `org` (one query), in the tree's order."""
    present = set(OrgUnit.objects.filter(units_below_q(org)).values_list("kind", flat=True))
    return [(k, str(label)) for k, label in Kind.choices if k in present]


def people_choices(*, org: OrgUnit) -> QuerySet[User]:
    """Active users with a writing role at active units one or two levels below `org` (named
    executives are near: farther down, a task goes to their units)."""
    near = Q(org__parent=org) | Q(org__parent__parent=org)
    return (
        User.objects.filter(near, is_active=True, org__is_active=True)
        .filter(role__in=("cadre", "grid_member"))
        .select_related("org")
        .order_by("org__path", "full_name")
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, validators=[upload_validator(*kinds)], **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class _AudienceForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("发送范围"), choices=[], widget=forms.RadioSelect, initial=Audience.ALL
    )
    level = forms.ChoiceField(label=_("层级"), choices=[], required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("选定单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_BELOW},
    )
    audiences: tuple[Audience, ...] = (Audience.ALL, Audience.LEVEL, Audience.CHOSEN)

    def __init__(self, *args: Any, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["audience"]).choices = [
            (a.value, a.label) for a in Audience if a in self.audiences
        ]
        cast(forms.ChoiceField, self.fields["level"]).choices = [
            ("", "—"),
            *level_choices(org=org),
        ]
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = unit_choices(org=org)


class NoticeForm(_AudienceForm):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        kinds=ATTACHMENT_KINDS,
        help_text=_("PDF、图片或表格，最多5个。"),
    )
    field_order = ["title", "body", "audience", "level", "units", "attachments"]


class TaskForm(_AudienceForm):
    title = forms.CharField(label=_("任务名称"), max_length=100)
    body = forms.CharField(label=_("任务要求"), widget=forms.Textarea(attrs={"rows": 6}))
    deadline = DateField(label=_("完成期限"))
    photos = forms.ChoiceField(
        label=_("请附照片"),
        choices=Task.Photos.choices,
        initial=Task.Photos.OPTIONAL,
        widget=forms.RadioSelect,
    )
    people = forms.ModelMultipleChoiceField(
        label=_("指定执委"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选执委不存在或不在本单位之下")},
    )
    audiences = (Audience.ALL, Audience.LEVEL, Audience.CHOSEN, Audience.PEOPLE)
    field_order = ["title", "body", "deadline", "photos", "audience", "level", "units", "people"]

    def __init__(self, *args: Any, org: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, org=org, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=7)
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = people_choices(
            org=org
        )


class ReturnForm(forms.Form):
    """A task's return: what was done, photos, and the records made for it."""

    text = forms.CharField(
        label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(label=_("照片"), required=False, kinds=(IMAGE,))
    records = forms.MultipleChoiceField(
        label=_("关联记录"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选记录不存在或不在您的范围内。")},
    )

    def __init__(self, *args: Any, choices: list[RecordChoice], photos: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["records"]).choices = [
            (c.value, c.label) for c in choices
        ]
        if not choices:
            del self.fields["records"]
        if not photos:
            del self.fields["photos"]
        else:
            self.fields["photos"].widget.attrs["accept"] = "image/*"

    def links(self) -> list[dict[str, Any]]:
        parsed = (parse_choice(v) for v in self.cleaned_data.get("records", []))
        return [p for p in parsed if p is not None]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
