from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinguo.accounts import selectors, services
from jinguo.accounts.forms import LoginForm
from jinguo.accounts.roles import Role
from jinguo.audit.services import audit_record
from jinguo.common.http import AuthedRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.login_succeeded(user=form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        services.login_failed(username=str(form.data.get("username", ""))[:50])
        return super().form_invalid(form)


@require_POST
def logout(request: HttpRequest) -> HttpResponseRedirect:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="auth.logout")
    auth_logout(request)
    return redirect("accounts:login")


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(
            actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def _require_security_admin(request: AuthedRequest) -> None:
    if request.user.role != Role.SECURITY_ADMIN:
        raise PermissionDenied


@login_required
def security_overview(request: AuthedRequest) -> HttpResponse:
    _require_security_admin(request)
    users = selectors.user_list_all(user=request.user).order_by("-is_active", "username")
    return render(request, "accounts/security.html", {"users": users, "now_time": timezone.now()})


@login_required
@require_POST
def toggle_active(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(selectors.user_list_all(user=request.user), pk=user_id)
    if target.pk == request.user.pk:
        messages.error(request, _("不能停用自己的账号。"))
    else:
        services.user_set_active(actor=request.user, user=target, is_active=not target.is_active)
        messages.success(request, _("已更新账号“%(name)s”的状态。") % {"name": target.username})
    return redirect(reverse("accounts:security"))


@login_required
@require_POST
def unlock(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(selectors.user_list_all(user=request.user), pk=user_id)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("已解锁账号“%(name)s”。") % {"name": target.username})
    return redirect(reverse("accounts:security"))
