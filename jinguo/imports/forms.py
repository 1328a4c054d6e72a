from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.common.uploads import CSV, SPREADSHEET, upload_validator
from jinguo.imports.models import ImportJob
from jinguo.people.reasons import MAX_EXPLANATION, RevealPurpose


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册类型"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "支持 .xlsx、.xls、.xlsm、.ods、.csv（UTF-8 或 GBK 编码）"
            "和 Excel 的“Unicode 文本”（.txt）；"
            "有多个工作表时（如每个网格一个），每个有表头的工作表都会导入。"
        ),
        error_messages={"empty": _("文件是空的，请检查后重新选择")},
        validators=[upload_validator(SPREADSHEET, CSV)],
    )


class ExportForm(forms.Form):
    full_numbers = forms.BooleanField(label=_("导出完整号码"), required=False)
    purpose = forms.ChoiceField(
        label=_("导出目的"),
        choices=[("", _("请选择")), *RevealPurpose.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("具体说明"),
        max_length=MAX_EXPLANATION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "导出完整的身份证号和电话须选择目的并写明事由（至少5个字，选“其他”时至少10个字），"
            "并记入审计日志。"
        ),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("full_numbers") and not data.get("purpose"):
            self.add_error("purpose", _("导出完整号码须选择导出目的"))
        if data.get("full_numbers") and not str(data.get("reason") or "").strip():
            self.add_error("reason", _("导出完整号码须填写理由"))
        return data
