from django.urls import path

from jinguo.assessments import allowance_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/export.xlsx", views.round_export, name="round_export"),
    path("rounds/<int:round_id>/<slug:action>/", views.round_action, name="round_action"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:scheme_id>/", views.scheme_detail, name="scheme_detail"),
    path("results/", views.result_list, name="results"),
    path("results/export.xlsx", views.result_export, name="result_export"),
    path("results/<int:result_id>/", views.result_detail, name="result_detail"),
    path("results/<int:result_id>/score/", views.result_score, name="result_score"),
    path("results/<int:result_id>/appeal/", views.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
    path("figures/", views.figures, name="figures"),
    path("allowances/", allowance_views.statement_list, name="statements"),
    path("allowances/policy/", allowance_views.policy, name="policy"),
    path("allowances/new/", allowance_views.statement_create, name="statement_create"),
    path("allowances/lines/", allowance_views.line_list, name="lines"),
    path("allowances/lines/export.xlsx", allowance_views.line_export, name="line_export"),
    path(
        "allowances/<int:statement_id>/", allowance_views.statement_detail, name="statement_detail"
    ),
    path(
        "allowances/<int:statement_id>/export.xlsx",
        allowance_views.statement_export,
        name="statement_export",
    ),
    path(
        "allowances/<int:statement_id>/adjust/",
        allowance_views.statement_adjust,
        name="statement_adjust",
    ),
    path(
        "allowances/<int:statement_id>/<slug:action>/",
        allowance_views.statement_action,
        name="statement_action",
    ),
]
