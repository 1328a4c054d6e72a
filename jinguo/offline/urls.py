from django.urls import path

from jinguo.offline import views

app_name = "offline"
urlpatterns = [
    path("", views.home, name="home"),
    path("household/", views.household, name="household"),
    path("households.json", views.snapshot, name="snapshot"),
    path("sync/", views.sync, name="sync"),
]
