from django.urls import path

from jinguo.intake import views

app_name = "intake"
urlpatterns = [
    path("p/<str:token>/", views.submit, name="submit"),
    path("r/<str:receipt>/", views.receipt, name="receipt"),
    path("points/", views.points, name="points"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/<int:point_id>/qr.<str:fmt>", views.point_qr, name="point_qr"),
]
