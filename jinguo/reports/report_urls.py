from django.urls import path

from jinguo.reports import report_views

app_name = "reports"
urlpatterns = [
    path("", report_views.report_index, name="index"),
    path("work.<str:fmt>", report_views.report_download, name="work"),
]
