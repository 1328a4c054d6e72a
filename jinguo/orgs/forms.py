from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.forms import choice_field
from jinguo.common.uploads import SPREADSHEET, upload_validator
from jinguo.orgs.codes import normalize_code
from jinguo.orgs.kinds import ALLOWED_PARENTS, Kind
from jinguo.orgs.models import OrgUnit, Venue
from jinguo.orgs.selectors import org_find_by_code


def child_kind_choices(parent: OrgUnit) -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in Kind if parent.kind in ALLOWED_PARENTS[k.value]]


class OrgCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"))
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("编码"),
        max_length=40,
        required=False,
        help_text=_(
            "村、社区及以上填12位统计用区划代码；网格在村（社区）代码后加3位，微网格再加3位。"
        ),
    )

    def __init__(self, *args: Any, parent: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = child_kind_choices(parent)


class OrgUpdateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("编码"),
        max_length=40,
        required=False,
        help_text=_("修改区划代码时，下级组织的代码会一并更新。"),
    )


class _FindByCodeForm(forms.Form):
    """Resolves a typed code to a unit in the user's scope; hidden and missing units alike."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def _unit(self, field: str) -> OrgUnit:
        unit = org_find_by_code(user=self.user, code=normalize_code(self.cleaned_data[field]))
        if unit is None:
            raise forms.ValidationError(_("未找到该编码的组织，或不在您的管辖范围内"))
        return unit


class OrgMoveForm(_FindByCodeForm):
    parent_code = forms.CharField(label=_("新上级的编码"), max_length=40)
    new_code = forms.CharField(
        label=_("移动后的编码"),
        max_length=40,
        required=False,
        help_text=_("村、社区、网格移到新上级后通常需要新的区划代码；留空则保持不变。"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_parent_code(self) -> OrgUnit:
        return self._unit("parent_code")


class OrgMergeForm(_FindByCodeForm):
    target_code = forms.CharField(label=_("并入哪个组织（编码）"), max_length=40)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_target_code(self) -> OrgUnit:
        return self._unit("target_code")


class VenueForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Venue.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("组织架构表（.xlsx / .xls）"),
        error_messages={"empty": _("文件是空的，请检查后重新选择")},
        validators=[upload_validator(SPREADSHEET)],
    )
