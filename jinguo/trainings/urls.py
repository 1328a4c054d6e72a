from django.urls import path

from jinguo.trainings import views

app_name = "trainings"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_create, name="create"),
    path("<int:course_id>/", views.course_detail, name="course"),
    path("<int:course_id>/enrol/", views.course_enrol, name="enrol"),
    path("<int:course_id>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/export/", views.session_export, name="sessions_export"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/held/", views.session_held, name="session_held"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("attendance/", views.attendance_list, name="attendance"),
    path("attendance/export/", views.attendance_export, name="attendance_export"),
    path("trainees/", views.trainee_list, name="trainees"),
    path("executives/untrained/", views.untrained_executives, name="untrained"),
    path("person/<int:person_id>/", views.person_record, name="person"),
    path("coverage/", views.coverage, name="coverage"),
    path("figures/", views.figures, name="figures"),
]
