"""The fields an outbox item carries, checked as the pages' forms check them (the services check
the rules). No photo: a phone without a network keeps text only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.cases.models import CaseKind
from jinguo.common.dates import DateField
from jinguo.offline.selectors import KINDS
from jinguo.visits.models import Channel, ServiceKind, Wish


class ItemForm(forms.Form):
    client_id = forms.UUIDField()
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in KINDS])
    household = forms.IntegerField(min_value=1)


class VisitItemForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("走访方式"), choices=Channel.choices, widget=forms.RadioSelect, initial="home"
    )
    services = forms.MultipleChoiceField(
        label=_("服务内容"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    visited_on = DateField(label=_("走访日期"), required=False)


class WishItemForm(forms.Form):
    content = forms.CharField(label=_("心愿内容"), max_length=500)
    category = forms.ChoiceField(label=_("类别"), choices=Wish.Category.choices)


class CaseItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("纠纷诉求类型"), choices=CaseKind.choices)
    title = forms.CharField(label=_("诉求标题"), max_length=100)
    description = forms.CharField(
        label=_("诉求情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


FIELDS: dict[str, type[forms.Form]] = {
    "visit": VisitItemForm,
    "wish": WishItemForm,
    "case": CaseItemForm,
}
