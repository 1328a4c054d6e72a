from django.urls import path

from jinguo.rounds import answer_views, photo_views, views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:round_id>/", views.round_detail, name="detail"),
    path("<int:round_id>/remind/", views.round_remind, name="remind"),
    path("<int:round_id>/close/", views.round_close, name="close"),
    path("<int:round_id>/export.xlsx", views.round_export, name="export"),
    path("<int:round_id>/report.docx", views.round_report, name="report"),
    path("<int:round_id>/quotes/", views.round_quotes, name="quotes"),
    path("targets/<int:target_id>/", answer_views.target_detail, name="target"),
    path("photos/<int:photo_id>/", photo_views.target_photo, name="target_photo"),
    path("submissions/<int:submission_id>/", answer_views.submission_detail, name="submission"),
    path(
        "submission-photos/<int:submission_photo_id>/",
        photo_views.submission_photo,
        name="submission_photo",
    ),
    path(
        "submissions/<int:submission_id>/review/",
        answer_views.submission_review,
        name="review",
    ),
    path(
        "submissions/<int:submission_id>/report.<str:fmt>",
        answer_views.submission_document,
        name="document",
    ),
]
