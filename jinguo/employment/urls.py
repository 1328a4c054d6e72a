from django.urls import path

from jinguo.employment import views

app_name = "employment"
urlpatterns = [
    path("", views.employment_figures, name="index"),
    path("figures/", views.employment_figures, name="figures"),
    path("loans/", views.loan_list, name="loan_list"),
    path("loans/export/", views.loan_export, name="loan_export"),
    path("loans/new/", views.loan_apply, name="loan_create"),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan_detail"),
    path("loans/<int:loan_id>/<slug:action>/", views.loan_action, name="loan_action"),
    path("fairs/", views.fair_list, name="fair_list"),
    path("fairs/new/", views.fair_create, name="fair_create"),
    path("fairs/<int:fair_id>/", views.fair_detail, name="fair_detail"),
    path("fairs/<int:fair_id>/employers/", views.fair_add_employer, name="fair_employer_add"),
    path(
        "fairs/<int:fair_id>/employers/<int:employer_id>/posts/",
        views.fair_add_post,
        name="fair_post_add",
    ),
    path("fairs/<int:fair_id>/results/", views.fair_results, name="fair_results"),
    path("employers/", views.employer_list, name="employer_list"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/export/", views.post_export, name="post_export"),
]
