from django.urls import path

from jinguo.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_new, name="new"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/mapping/", views.job_mapping, name="mapping"),
    path("<int:job_id>/errors.xlsx", views.job_errors, name="errors"),
    path("template/<str:kind>.xlsx", views.template_download, name="template"),
    path("export/<str:kind>.xlsx", views.export_download, name="export"),
]
