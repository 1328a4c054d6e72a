from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.common.uploads import SPREADSHEET, upload_validator
from jinguo.imports.models import ImportJob


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册类型"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_("支持 .xlsx、.xls、.xlsm、.ods；第一个工作表为花名册。"),
        error_messages={"empty": _("文件是空的，请检查后重新选择")},
        validators=[upload_validator(SPREADSHEET)],
    )


class ExportForm(forms.Form):
    full_numbers = forms.BooleanField(label=_("导出完整号码"), required=False)
    reason = forms.CharField(
        label=_("理由"),
        max_length=200,
        required=False,
        help_text=_("导出完整的身份证号和电话须填写理由，并记入审计日志。"),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("full_numbers") and not str(data.get("reason") or "").strip():
            self.add_error("reason", _("导出完整号码须填写理由"))
        return data
