from django.urls import path

from jinguo.reports import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("changes/", views.dashboard_changes, name="changes"),
    path("export.xlsx", views.dashboard_export, name="export"),
]
