from django.urls import path

from jinguo.reports import report_views, template_views

app_name = "reports"
urlpatterns = [
    path("", report_views.report_index, name="index"),
    path("work.<str:fmt>", report_views.report_download, name="work"),
    path("templates/", template_views.template_index, name="templates"),
    path("templates/sample.docx", template_views.template_sample, name="template_sample"),
    path(
        "templates/<int:template_id>/file.docx",
        template_views.template_file,
        name="template_file",
    ),
    path(
        "templates/<int:template_id>/activate/",
        template_views.template_activate,
        name="template_activate",
    ),
    path(
        "templates/<int:template_id>/deactivate/",
        template_views.template_deactivate,
        name="template_deactivate",
    ),
]
