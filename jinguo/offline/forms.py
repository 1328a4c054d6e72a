"""The fields an outbox item carries, checked as the pages' forms check them (the services check
the rules). No photo: a phone without a network keeps text only."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.cases.models import CaseKind
from jinguo.offline.selectors import KINDS
from jinguo.visits.forms import CASE_FIELDS, VisitForm
from jinguo.visits.models import Wish


class ItemForm(forms.Form):
    client_id = forms.UUIDField()
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in KINDS])
    household = forms.IntegerField(min_value=1)


class VisitItemForm(VisitForm):
    """The visit form's own fields and messages (no channel chosen for her; the same error when
    none is), less what a phone without a network does not keep: the photo, and the case
    section, which goes as an item of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("photo", "client_id", *CASE_FIELDS):
            del self.fields[name]


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
