from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jinguo.accounts import selectors, services, throttle, totp
from jinguo.accounts.forms import LoginForm, TotpCodeForm, captcha_field
from jinguo.accounts.models import AccountRequest, User
from jinguo.accounts.roles import Role
from jinguo.audit.middleware import client_ip
from jinguo.audit.services import audit_record
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest


class LoginView(auth_views.LoginView):
    """The one way in (the Django admin's login sends here too). Failures are throttled per
    address, per name and site-wide (accounts.throttle); every refusal of a password reads the
    same, whatever the reason."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        username = self.request.POST.get("username", "") if self.request.method == "POST" else ""
        gate = throttle.login_gate(ip=client_ip(self.request), username=username)
        kwargs["captcha"] = gate.captcha
        return kwargs

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.login_gate(ip=client_ip(request)).blocked:
            context = self.get_context_data(refusal=_throttled_message())
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if user.has_totp:
            # Password right; not signed in until the second factor is given too.
            self.request.session[TOTP_PENDING] = {
                "user": user.pk,
                "at": timezone.now().timestamp(),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login_totp")
        response = super().form_valid(form)
        services.login_succeeded(user=user)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = str(form.data.get("username", ""))[:50]
        ip = client_ip(self.request)
        if isinstance(form, LoginForm) and form.captcha_failed:
            services.login_captcha_failed(username=username, ip=ip)
        else:
            services.login_failed(username=username, ip=ip)
        if "captcha" not in form.fields and throttle.login_gate(ip=ip, username=username).captcha:
            form.fields["captcha"] = captcha_field()  # from the next try on
        return super().form_invalid(form)


def _throttled_message() -> str:
    minutes = max(1, settings.LOGIN_THROTTLE_SECONDS // 60)
    return _("登录失败次数过多，请%(minutes)s分钟后再试。") % {"minutes": minutes}


TOTP_PENDING = "totp_pending"
TOTP_SETUP = "totp_setup_secret"
PENDING_SECONDS = 300


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(TOTP_PENDING)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


@require_http_methods(["GET", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    """Second step of a login: the 6-digit code. Wrong codes count towards the lockout."""
    user = _pending_user(request)
    if user is None:
        request.session.pop(TOTP_PENDING, None)
        messages.warning(request, _("登录已超时，请重新输入用户名和密码。"))
        return redirect("accounts:login")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and throttle.login_gate(ip=client_ip(request)).blocked:
        form.add_error(None, _throttled_message())
        return render(request, "accounts/login_totp.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        if user.is_locked(timezone.now()):
            form.add_error("code", _("登录失败次数过多，账号已锁定，请稍后再试。"))
        elif services.totp_verify(user=user, code=form.cleaned_data["code"]):
            target = request.session.pop(TOTP_PENDING)["next"]
            auth_login(request, user)  # a new session key: nothing of the pending one is kept
            services.login_succeeded(user=user)
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts=None)
            return redirect(target if safe else "/")
        else:
            services.login_failed(username=user.username, ip=client_ip(request))
            form.add_error("code", _("动态口令不正确或已使用，请输入验证器上最新显示的6位数字。"))
    return render(request, "accounts/login_totp.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: AuthedRequest) -> HttpResponse:
    """Turn the second factor on (scan, then prove with a code) or, for non-administrators,
    off again."""
    user = request.user
    if user.has_totp:
        form = TotpCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = call_service(
                form,
                lambda: services.user_totp_disable(
                    actor=user, user=user, code=form.cleaned_data["code"]
                ),
            )
            if done:
                messages.success(request, _("已关闭动态口令。"))
                return redirect("accounts:totp")
        return render(request, "accounts/totp.html", {"form": form, "enabled": True})
    secret = request.session.setdefault(TOTP_SETUP, totp.new_secret())
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        done = call_service(
            form, lambda: services.user_totp_enable(actor=user, user=user, secret=secret, code=code)
        )
        if done:
            request.session.pop(TOTP_SETUP, None)
            messages.success(request, _("动态口令已启用，以后登录时需要输入验证器上的6位数字。"))
            return redirect("home")
    uri = totp.provisioning_uri(secret, account=user.username, issuer=_("巾帼网格"))
    context = {
        "form": form,
        "enabled": False,
        "qr": segno.make(uri, error="m").svg_inline(scale=4),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "required": user.is_admin_role,
    }
    return render(request, "accounts/totp.html", context)


@require_POST
def logout(request: HttpRequest) -> HttpResponseRedirect:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="auth.logout")
    auth_logout(request)
    response = redirect("accounts:login")
    # What the phone kept for offline work (her households, the offline pages, the worker)
    # leaves with her (jinguo.offline; offline.js also clears it before it sends the logout).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


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
    context = {
        "users": users,
        "requests": selectors.account_requests_pending(user=request.user),
        "now_time": timezone.now(),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def toggle_active(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(selectors.user_list_all(user=request.user), pk=user_id)
    try:
        services.user_set_active(actor=request.user, user=target, is_active=not target.is_active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已更新账号“%(name)s”的状态。") % {"name": target.username})
    return redirect(reverse("accounts:security"))


APPROVE_TOTP = "approve_totp_secret"


@login_required
@require_http_methods(["GET", "POST"])
def request_approve(request: AuthedRequest, request_id: int) -> HttpResponse:
    """Approve an account request. One that grants an administrator role shows a page where the
    account's second factor is enrolled on its owner's phone, in person, first."""
    _require_security_admin(request)
    pending = get_object_or_404(
        selectors.account_requests_pending(user=request.user), pk=request_id
    )
    if not pending.grants_admin:
        if request.method == "POST":
            _approve(request, pending)
        return redirect(reverse("accounts:security"))
    secrets_by_request = request.session.setdefault(APPROVE_TOTP, {})
    secret = secrets_by_request.setdefault(str(pending.pk), totp.new_secret())
    request.session.modified = True
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if call_service(form, lambda: _approve(request, pending, secret=secret, code=code)):
            secrets_by_request.pop(str(pending.pk), None)
            return redirect(reverse("accounts:security"))
    uri = totp.provisioning_uri(secret, account=pending.user.username, issuer=_("巾帼网格"))
    context = {
        "form": form,
        "pending": pending,
        "qr": segno.make(uri, error="m").svg_inline(scale=4),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/approve_admin.html", context)


def _approve(
    request: AuthedRequest, pending: AccountRequest, *, secret: str = "", code: str = ""
) -> bool:
    """Approve and say so; a refusal that is not about the code is shown as a message."""
    try:
        services.user_request_approve(
            actor=request.user, request_id=pending.pk, totp_secret=secret, code=code
        )
    except ValidationError as exc:
        if secret and hasattr(exc, "error_dict") and "code" in exc.error_dict:
            raise
        messages.error(request, " ".join(exc.messages))
        return False
    what = pending.get_kind_display()
    messages.success(
        request, _("已批准：%(what)s“%(name)s”。") % {"what": what, "name": pending.user.username}
    )
    return True


@login_required
@require_POST
def request_reject(request: AuthedRequest, request_id: int) -> HttpResponse:
    _require_security_admin(request)
    try:
        done = services.user_request_reject(
            actor=request.user, request_id=request_id, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        what = done.get_kind_display()
        messages.success(
            request, _("已驳回：%(what)s“%(name)s”。") % {"what": what, "name": done.user.username}
        )
    return redirect(reverse("accounts:security"))


@login_required
@require_POST
def unlock(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(selectors.user_list_all(user=request.user), pk=user_id)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("已解锁账号“%(name)s”。") % {"name": target.username})
    return redirect(reverse("accounts:security"))


@login_required
@require_POST
def totp_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    _require_security_admin(request)
    target = get_object_or_404(selectors.user_list_all(user=request.user), pk=user_id)
    services.user_totp_reset(actor=request.user, user=target)
    messages.success(request, _("已重置账号“%(name)s”的动态口令。") % {"name": target.username})
    return redirect(reverse("accounts:security"))
