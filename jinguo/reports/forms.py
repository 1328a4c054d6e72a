from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.reports.services import MAX_NAME, MAX_TEMPLATE_BYTES


class TemplateUploadForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("模板名称"), max_length=MAX_NAME)
    file = forms.FileField(
        label=gettext_lazy("Word 模板（.docx）"),
        help_text=gettext_lazy("在 Word 中编辑示例模板后上传；上传时会用示例报告试套一次。"),
        error_messages={"empty": gettext_lazy("文件是空的，请检查后重新选择")},
    )
    activate = forms.BooleanField(label=gettext_lazy("上传后立即启用"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(
                _("文件太大（%(size)s），上限为%(limit)s")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_TEMPLATE_BYTES),
                }
            )
        return upload
