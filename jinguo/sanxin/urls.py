from django.urls import path

from jinguo.sanxin import views

app_name = "sanxin"
urlpatterns = [
    path("", views.sanxin_org_list, name="list"),
    path("export.xlsx", views.sanxin_org_export, name="export"),
    path("new/", views.sanxin_org_create, name="create"),
    path("figures/", views.sanxin_figures, name="figures"),
    path("workers/", views.sanxin_worker_list, name="workers"),
    path("workers/export.xlsx", views.sanxin_worker_export, name="workers_export"),
    path("workers/<int:worker_id>/leave/", views.sanxin_worker_leave, name="worker_leave"),
    path("exemplary/", views.exemplary_list, name="exemplary"),
    path("exemplary/new/", views.exemplary_add, name="exemplary_add"),
    path("exemplary/<int:exemplary_id>/delist/", views.exemplary_delist, name="exemplary_delist"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_create, name="target_create"),
    path("<int:sanxin_org_id>/", views.sanxin_org_detail, name="detail"),
    path("<int:sanxin_org_id>/edit/", views.sanxin_org_edit, name="edit"),
    path("<int:sanxin_org_id>/federation/", views.sanxin_org_establish, name="establish"),
    path("<int:sanxin_org_id>/workers/new/", views.sanxin_worker_add, name="worker_add"),
]
