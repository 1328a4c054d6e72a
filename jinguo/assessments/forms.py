from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.assessments.models import AllowanceStatement, AssessmentResult, Metric
from jinguo.common.dates import DateField
from jinguo.common.forms import model_choice
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_list_visible
from jinguo.people.models import Person

MANUAL_ROWS = 4
BANDS_HELP = _("每行一个等次：名称 最低分，如“优秀 90”；须有一个最低分为0的等次")


def _org_field(user: User) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=_("组织"), queryset=OrgUnit.objects.none())
    field.queryset = org_list_visible(user=user)
    field.initial = user.org_id
    return field


class SchemeForm(forms.Form):
    """Weights of each measured metric and up to four manual items; the service checks that
    they sum to 100 (the page shows the sum as she types)."""

    org = forms.ModelChoiceField(label=_("适用组织"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("方案名称"), max_length=100)
    valid_from = DateField(label=_("生效日期"))
    points_target = forms.IntegerField(
        label=_("积分目标"),
        required=False,
        min_value=1,
        help_text=_("达到该积分得满分；不填则以本轮最高积分为满分"),
    )
    bands = forms.CharField(
        label=_("等次"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="优秀 90\n良好 80\n合格 60\n不合格 0",
        help_text=BANDS_HELP,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = _org_field(user)
        self.fields["org"].label = _("适用组织")
        for metric, label in Metric.choices:
            self.fields[f"w_{metric}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"data-weight": "1"}),
            )
        for n in range(MANUAL_ROWS):
            self.fields[f"m_name_{n}"] = forms.CharField(
                label=_("人工评分项目"), required=False, max_length=50
            )
            self.fields[f"m_max_{n}"] = forms.IntegerField(
                label=_("满分"),
                required=False,
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"data-weight": "1"}),
            )

    def metric_fields(self) -> list[Any]:
        return [self[f"w_{m}"] for m in Metric.values]

    def manual_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"m_name_{n}"], self[f"m_max_{n}"]) for n in range(MANUAL_ROWS)]

    def items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        items: list[dict[str, Any]] = [
            {"metric": m, "weight": data.get(f"w_{m}")} for m in Metric.values if data.get(f"w_{m}")
        ]
        for n in range(MANUAL_ROWS):
            name, weight = data.get(f"m_name_{n}") or "", data.get(f"m_max_{n}")
            if name.strip() or weight:
                items.append({"name": name, "weight": weight})
        return items

    def grade_bands(self) -> list[dict[str, Any]]:
        bands = []
        for line in self.cleaned_data.get("bands", "").splitlines():
            parts = line.split()
            if not parts:
                continue
            bands.append({"name": " ".join(parts[:-1]), "min": parts[-1] if len(parts) > 1 else ""})
        return bands


class RoundForm(forms.Form):
    org = forms.ModelChoiceField(label=_("组织"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    start = DateField(label=_("考核期开始"))
    end = DateField(label=_("考核期结束"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = _org_field(user)


class ManualScoreForm(forms.Form):
    def __init__(self, *args: Any, result: AssessmentResult, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_names: dict[str, str] = {}  # field name -> the scheme item it scores
        for n, item in enumerate(i for i in result.round.scheme.items.all() if i.is_manual):
            self.fields[f"s_{n}"] = forms.DecimalField(
                label=f"{item.name}（0–{item.weight}）",
                required=False,
                decimal_places=2,
                max_digits=5,
                initial=result.manual.get(item.name),
            )
            self.item_names[f"s_{n}"] = item.name

    def scores(self) -> dict[str, Any]:
        return {self.item_names[key]: self.cleaned_data.get(key) for key in self.fields}


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AppealDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("采纳，调整总分")), ("0", _("驳回"))],
        coerce=lambda value: value == "1",
    )
    new_total = forms.DecimalField(
        label=_("调整后总分"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        max_digits=5,
    )
    decision = forms.CharField(label=_("处理意见"), max_length=500, required=False)


class PolicyForm(forms.Form):
    annual_amount = forms.DecimalField(
        label=_("网格执委年度补贴（元/年）"), min_value=Decimal(0), decimal_places=2, max_digits=9
    )
    daily_amount = forms.DecimalField(
        label=_("误工补贴（元/天）"), min_value=Decimal(0), decimal_places=2, max_digits=9
    )
    max_days_per_month = forms.IntegerField(
        label=_("每月误工天数上限"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("不填则不设上限"),
    )


class StatementForm(forms.Form):
    org = forms.ModelChoiceField(label=_("组织"), queryset=OrgUnit.objects.none())
    start = DateField(label=_("开始日期"))
    end = DateField(label=_("结束日期"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = _org_field(user)


class AdjustForm(forms.Form):
    person = forms.ModelChoiceField(label=_("执委"), queryset=Person.objects.none())
    amount = forms.DecimalField(label=_("更正金额（元，可为负数）"), decimal_places=2, max_digits=9)
    reason = forms.CharField(label=_("更正原因"), max_length=500, required=False)

    def __init__(self, *args: Any, statement: AllowanceStatement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = Person.objects.filter(
            pk__in=statement.lines.values("person_id")
        ).order_by("name")
