from django.urls import path

from jinguo.honours import views

app_name = "honours"
urlpatterns = [
    path("", views.honour_list, name="list"),
    path("export/", views.honour_export, name="export"),
    path("figures/", views.honours_figures, name="figures"),
    path("families/new/", views.family_nominate, name="family_create"),
    path("individuals/new/", views.individual_nominate, name="individual_create"),
    path("<str:kind>/<int:honour_id>/", views.honour_detail, name="detail"),
    path("<str:kind>/<int:honour_id>/<slug:action>/", views.honour_action, name="action"),
]
