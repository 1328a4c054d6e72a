from django.urls import path

from jinguo.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_report, name="create"),
    path("figures/", views.case_figures, name="figures"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/agreement/", views.case_agreement, name="agreement"),
    path(
        "<int:case_id>/agreement.<str:fmt>",
        views.case_agreement_export,
        name="agreement_export",
    ),
    path("<int:case_id>/<slug:action>/", views.case_action, name="action"),
]
