from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.forms import choice_field, model_choice
from jinguo.households.models import Category, Household, HouseholdAssignment, Resident
from jinguo.households.policy import sees_sensitive
from jinguo.households.selectors import (
    category_list,
    grid_executive_choices,
    grid_list_visible,
    household_executive_choices,
)
from jinguo.orgs.models import OrgUnit
from jinguo.people.forms import UnmaskForm
from jinguo.people.models import Person


class GridChoiceField(forms.ModelChoiceField):
    """A grid shown with its village, as two villages often have a 一组网格 each."""

    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{parent} · {obj.name}" if parent else obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）" if obj.org_id else obj.name


def _grids(user: User) -> QuerySet[OrgUnit]:
    return grid_list_visible(user=user)


class HouseholdForm(forms.Form):
    grid = GridChoiceField(label=_("所属网格"), queryset=OrgUnit.objects.none())
    number = forms.CharField(label=_("户号"), max_length=60)
    address = forms.CharField(label=_("户籍地址"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, suggest_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "grid").queryset = _grids(user)
        if suggest_url:
            # A new household: choosing the grid offers its next free number (htmx), editable.
            self.fields["grid"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "change",
                    "hx-target": "#id_number",
                    "hx-swap": "outerHTML",
                }
            )
            self.fields["number"].help_text = _(
                "已按所选网格建议下一个空闲户号，可修改；户号在全台账中唯一。"
            )

    @classmethod
    def initial_for(cls, household: Household) -> dict[str, Any]:
        return {
            "grid": household.grid_id,
            "number": household.number,
            "address": household.address,
            "note": household.note,
        }


class RelocateForm(forms.Form):
    living_grid = GridChoiceField(
        label=_("现居住网格"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("拆迁或异地居住的家庭填写现居住的网格；留空表示已回原网格居住。"),
    )
    living_address = forms.CharField(label=_("现住址"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "living_grid").queryset = _grids(user)


class AssignForm(forms.Form):
    """A handover (交接): the executive taking over, from which day, and why."""

    kind = forms.ChoiceField(label=_("类型"), choices=HouseholdAssignment.Kind.choices)
    executive = PersonChoiceField(
        label=_("执委"),
        queryset=Person.objects.none(),
        help_text=_("只列出已分配到该户所属网格或现居住网格的执委。"),
    )
    start_date = DateField(label=_("交接日期"), required=False, help_text=_("留空为今天。"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = household_executive_choices(household=household).select_related("org")
        model_choice(self, "executive").queryset = choices
        if not household.is_relocated:
            choice_field(self, "kind").choices = [
                (HouseholdAssignment.Kind.RESPONSIBLE, HouseholdAssignment.Kind.RESPONSIBLE.label)
            ]


class EndForm(forms.Form):
    end_date = DateField(label=_("结束日期"), required=False, help_text=_("留空为今天。"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class CategoriesForm(forms.Form):
    """The household's key categories (重点类别).

    Who sees sensitive categories in clear (households.policy: the grid's executives) gets
    every category as a ticked or unticked box. Anyone else (a cadre) must not learn from the
    boxes which sensitive categories the household holds, so for her:

    - `categories` lists only the non-sensitive categories, ticked as held;
    - the sensitive categories the household holds are kept as they are on save;
    - `sensitive_add` and `sensitive_remove` list every active sensitive category, never
      ticked: adding one the household already holds, or removing one it does not hold,
      changes nothing, so neither list tells her anything. To see which ones it holds she
      reveals the household with a reason (「查看」 on its page, audited).

    The view saves `categories_to_save()`, never `cleaned_data["categories"]` alone.
    """

    categories = forms.ModelMultipleChoiceField(
        label=_("重点类别"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sensitive_add = forms.ModelMultipleChoiceField(
        label=_("添加敏感类别"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("敏感类别已隐藏，保存时保持不变；在此勾选要添加的类别。"),
    )
    sensitive_remove = forms.ModelMultipleChoiceField(
        label=_("移除敏感类别"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选要移除的类别；本户没有的类别不受影响。"),
    )
    since = DateField(label=_("新增类别的认定日期"), required=False)

    def __init__(self, *args: Any, household: Household, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held = household.held_categories
        self.clear = sees_sensitive(user)
        # Active categories, plus any retired one the household still has (so saving keeps it).
        held_ids = [c.pk for c in self.held]
        shown = category_list(active_only=False).filter(Q(is_active=True) | Q(pk__in=held_ids))
        self.initial["categories"] = [c.pk for c in self.held if self.clear or not c.sensitive]
        if self.clear:
            del self.fields["sensitive_add"], self.fields["sensitive_remove"]
        else:
            shown = shown.filter(sensitive=False)
            sensitive = category_list().filter(sensitive=True)
            model_choice(self, "sensitive_add").queryset = sensitive
            model_choice(self, "sensitive_remove").queryset = sensitive
        model_choice(self, "categories").queryset = shown

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("sensitive_add") or []) & set(data.get("sensitive_remove") or [])
        if both:
            self.add_error("sensitive_remove", _("同一类别不能同时添加和移除。"))
        return data

    def categories_to_save(self) -> list[Category]:
        """The categories the household should hold after saving this form."""
        chosen = list(self.cleaned_data["categories"])
        if self.clear:
            return chosen
        removed = {c.pk for c in self.cleaned_data["sensitive_remove"]}
        kept = [c for c in self.held if c.sensitive and c.pk not in removed]
        held_ids = {c.pk for c in kept}
        added = [c for c in self.cleaned_data["sensitive_add"] if c.pk not in held_ids]
        return chosen + kept + added


class ResidentForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        required=False,
        help_text=_("已登记的人员只需填身份证号；未登记的填写姓名后一并登记。"),
    )
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Resident.Relation.choices)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("手机号或带区号的固定电话，加密保存，页面上只显示部分号码。"),
    )


class GridAssignForm(forms.Form):
    executive = PersonChoiceField(
        label=_("执委"),
        queryset=Person.objects.none(),
        help_text=_("列出本网格及上级妇联在任、尚未分配到本网格的执委。"),
    )
    start_date = DateField(label=_("开始日期"), required=False, help_text=_("留空为今天。"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, grid: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = grid_executive_choices(user=user, grid=grid).select_related("org")
        model_choice(self, "executive").queryset = choices


class RevealForm(UnmaskForm):
    """「查看」 a household's sensitive categories and minors: a reason, as for full numbers."""
