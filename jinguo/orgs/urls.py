from django.urls import path

from jinguo.orgs import views

app_name = "orgs"
urlpatterns = [
    path("<int:org_id>/", views.org_detail, name="detail"),
    path("<int:org_id>/units/", views.org_units, name="units"),
    path("<int:org_id>/new/", views.org_create_child, name="create_child"),
    path("<int:org_id>/edit/", views.org_edit, name="edit"),
    path("<int:org_id>/move/", views.org_move, name="move"),
    path("<int:org_id>/merge/", views.org_merge, name="merge"),
    path("<int:org_id>/history/", views.org_history, name="history"),
    path("<int:org_id>/venues/new/", views.venue_create, name="venue_create"),
    path("<int:org_id>/export.xlsx", views.org_export, name="export"),
    path("<int:org_id>/import/", views.org_import, name="import"),
    path("<int:org_id>/import/template.xlsx", views.org_import_template, name="import_template"),
]
