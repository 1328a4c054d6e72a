from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from jinguo.imports.models import ImportJob

ACCEPTED = (".xlsx", ".xls", ".xlsm", ".ods")
# The first bytes of the formats calamine reads: zip (xlsx, xlsm, ods) and OLE2 (xls).
_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("花名册类型"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_("支持 .xlsx、.xls、.xlsm、.ods；第一个工作表为花名册。"),
        error_messages={"empty": _("文件是空的，请检查后重新选择")},
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = upload.name or ""
        if PurePath(name).suffix.lower() not in ACCEPTED:
            raise forms.ValidationError(
                _("只能导入 Excel 表格（.xlsx、.xls、.xlsm）或 .ods 表格，这个文件是“%(name)s”")
                % {"name": name}
            )
        if not upload.size:
            raise forms.ValidationError(_("文件是空的，请检查后重新选择"))
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件太大（%(size)s），上限为%(limit)s。请分成几个文件导入")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(_SIGNATURES):
            raise forms.ValidationError(
                _(
                    "这个文件不是有效的 Excel 表格，可能是改了扩展名的其他文件，"
                    "请在 Excel 中“另存为” .xlsx 后再上传"
                )
            )
        return upload


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
