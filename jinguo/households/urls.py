from django.urls import path

from jinguo.households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("mine/", views.household_mine, name="mine"),
    path("new/", views.household_create, name="create"),
    path("new/number/", views.household_number_suggest, name="next_number"),
    path("coverage/", views.coverage, name="coverage"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/<int:grid_id>/executives/", views.grid_executives, name="grid_executives"),
    path(
        "grids/<int:grid_id>/executives/<int:assignment_id>/end/",
        views.grid_assignment_end,
        name="grid_assignment_end",
    ),
    path("<int:household_id>/", views.household_detail, name="detail"),
    path("<int:household_id>/reveal/", views.household_reveal, name="reveal"),
    path("<int:household_id>/edit/", views.household_edit, name="edit"),
    path("<int:household_id>/history/", views.household_history, name="history"),
    path("<int:household_id>/assign/", views.household_assign, name="assign"),
    path(
        "<int:household_id>/assignments/<int:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("<int:household_id>/relocate/", views.household_relocate, name="relocate"),
    path("<int:household_id>/categories/", views.household_categories, name="categories"),
    path("<int:household_id>/residents/new/", views.resident_add, name="resident_add"),
    path(
        "<int:household_id>/residents/<int:person_id>/remove/",
        views.resident_remove,
        name="resident_remove",
    ),
]
