from django.urls import path

from jinguo.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("export.xlsx", views.meeting_export, name="export"),
    path("new/", views.meeting_create, name="create"),
    path("figures/", views.meeting_figures, name="figures"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<int:topic_id>/resolutions/", views.resolution_add, name="resolution_add"),
    path("resolutions/", views.resolution_list, name="resolutions"),
    path("resolutions/export.xlsx", views.resolution_export, name="resolution_export"),
    path(
        "resolutions/<int:resolution_id>/<slug:action>/",
        views.resolution_action,
        name="resolution_action",
    ),
    path("notice/<str:code>/", views.notice, name="notice"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:meeting_id>/held/", views.meeting_held, name="held"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:meeting_id>/topics/", views.topic_add, name="topic_add"),
]
