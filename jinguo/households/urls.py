from django.urls import URLPattern

app_name = "households"
urlpatterns: list[URLPattern] = []
