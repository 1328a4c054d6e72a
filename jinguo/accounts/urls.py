from django.urls import path

from jinguo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/totp/", views.login_totp, name="login_totp"),
    path("logout/", views.logout, name="logout"),
    path("totp/", views.totp_setup, name="totp"),
    path("password/", views.password_change, name="password_change"),
    path("security/", views.security_overview, name="security"),
    path("security/<int:user_id>/toggle/", views.toggle_active, name="toggle_active"),
    path(
        "security/requests/<int:request_id>/approve/",
        views.request_approve,
        name="request_approve",
    ),
    path(
        "security/requests/<int:request_id>/reject/",
        views.request_reject,
        name="request_reject",
    ),
    path("security/<int:user_id>/unlock/", views.unlock, name="unlock"),
    path("security/<int:user_id>/totp-reset/", views.totp_reset, name="totp_reset"),
]
