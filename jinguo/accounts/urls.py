from django.urls import path

from jinguo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("security/", views.security_overview, name="security"),
    path("security/<int:user_id>/toggle/", views.toggle_active, name="toggle_active"),
    path("security/<int:user_id>/unlock/", views.unlock, name="unlock"),
]
