from django.urls import path

from jinguo.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("new/", views.visit_create, name="create"),
    path("list/", views.visit_list, name="list"),
    path("overdue/", views.overdue, name="overdue"),
    path("household/<int:household_id>/", views.household_visits, name="household"),
    path("wishes/", views.wish_list, name="wishes"),
    path("wishes/<int:wish_id>/claim/", views.wish_claim, name="wish_claim"),
    path("wishes/<int:wish_id>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:wish_id>/cancel/", views.wish_cancel, name="wish_cancel"),
]
