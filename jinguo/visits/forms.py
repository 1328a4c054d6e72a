from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.cases.models import CaseKind
from jinguo.common.dates import DateField
from jinguo.common.uploads import IMAGE, upload_validator
from jinguo.visits.models import Channel, ServiceKind, Wish

CASE_FIELDS = ("case_kind", "case_title", "case_description")
# Folded under «更多» on the form: a visit needs only its channel (three taps from home).
MORE_FIELDS = ("services", "note", "photo", "visited_on", *CASE_FIELDS)


class VisitForm(forms.Form):
    # No initial value: the channel is the one choice a visit needs, and she makes it.
    channel = forms.ChoiceField(
        label=_("走访方式"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择走访方式：入户、电话、微信或活动。")},
    )
    services = forms.MultipleChoiceField(
        label=_("服务内容"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        validators=[upload_validator(IMAGE)],
    )
    visited_on = DateField(label=_("走访日期"), required=False)
    # Optional: a dispute or request heard during the visit, reported as a case at once.
    case_kind = forms.ChoiceField(
        label=_("纠纷诉求类型"), choices=[("", "---------"), *CaseKind.choices], required=False
    )
    case_title = forms.CharField(label=_("诉求标题"), max_length=100, required=False)
    case_description = forms.CharField(
        label=_("诉求情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # Made by the page (offline.js, crypto.randomUUID): a double tap or a resent form is stored
    # once (services.visit_log).
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def other_fields(self) -> list[forms.BoundField]:
        """The plain fields after channel and services, the case section left out."""
        skip = {"channel", "services", "client_id", *CASE_FIELDS}
        return [field for field in self if field.name not in skip]

    def case_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CASE_FIELDS]

    def case_open(self) -> bool:
        """Show the case section unfolded when it holds input or errors."""
        return self._holds_input(CASE_FIELDS)

    def more_open(self) -> bool:
        """Show «更多» unfolded when a field folded there holds input or errors (a refused
        form keeps what was typed in sight)."""
        return self._holds_input(MORE_FIELDS)

    def _holds_input(self, names: tuple[str, ...]) -> bool:
        return any(self[name].value() or self[name].errors for name in names)

    def visit_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in CASE_FIELDS}

    def case_data(self) -> dict[str, str] | None:
        """The case section's values, or None when it was left empty."""
        data = {name: self.cleaned_data.get(name) or "" for name in CASE_FIELDS}
        return data if any(value.strip() for value in data.values()) else None


class WishForm(forms.Form):
    content = forms.CharField(label=_("心愿内容"), max_length=500)
    category = forms.ChoiceField(label=_("类别"), choices=Wish.Category.choices)


class ClaimForm(forms.Form):
    donor_name = forms.CharField(label=_("认领单位或个人"), max_length=100)


class FulfilForm(forms.Form):
    evidence_note = forms.CharField(label=_("实现情况"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(
        label=_("佐证照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        validators=[upload_validator(IMAGE)],
    )


class CancelForm(forms.Form):
    note = forms.CharField(label=_("取消原因"), max_length=200, required=False)
