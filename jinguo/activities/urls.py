from django.urls import path

from jinguo.activities import views, volunteer_views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("export/", views.activity_export, name="export"),
    path("new/", views.activity_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/photo/", views.activity_photo, name="photo"),
    path("<int:activity_id>/register/", views.participant_register, name="register"),
    path(
        "<int:activity_id>/participants/<int:participant_id>/attend/",
        views.participant_attend,
        name="attend",
    ),
    path("<int:activity_id>/hold/", views.activity_hold, name="hold"),
    path("<int:activity_id>/cancel/", views.activity_cancel, name="cancel"),
    path("series/", views.series_list, name="series"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:series_id>/schedule/", views.series_schedule, name="series_schedule"),
    path("teams/", volunteer_views.team_list, name="teams"),
    path("teams/<int:team_id>/", volunteer_views.team_detail, name="team"),
    path("teams/<int:team_id>/members/", volunteer_views.membership_add, name="membership_add"),
    path(
        "members/<int:membership_id>/leave/", volunteer_views.membership_end, name="membership_end"
    ),
    path("members/<int:membership_id>/hours/", volunteer_views.hours_record, name="hours_record"),
    path("hours/", volunteer_views.hours_list, name="hours"),
    path("hours/export/", volunteer_views.hours_export, name="hours_export"),
    path("volunteers/", volunteer_views.volunteer_list, name="volunteers"),
]
