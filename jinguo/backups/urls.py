from django.urls import path

from jinguo.backups import views

app_name = "backups"
urlpatterns = [
    path("", views.backup_overview, name="overview"),
]
