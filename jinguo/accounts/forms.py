from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.accounts.services import scope_errors


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("该账号已停用。"),
    }

    def clean(self) -> dict[str, Any]:
        # A locked account is refused before its password is even checked, so guessing
        # during the lock learns nothing.
        user = User.objects.filter(username=self.cleaned_data.get("username", "")).first()
        if user is not None and user.is_locked(timezone.now()):
            until = timezone.localtime(user.locked_until)
            raise forms.ValidationError(
                _("登录失败次数过多，账号已锁定，请于%(time)s后再试。")
                % {"time": f"{until:%H:%M}"},
                code="locked",
            )
        return super().clean()


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text=_("打开手机上的验证器，输入“巾帼网格”下显示的6位数字。"),
    )


class _ScopeCheckMixin(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, messages in scope_errors(role=data.get("role", ""), org=data.get("org")).items():
            for message in messages:
                self.add_error(field, message)
        return data


class UserCreateForm(_ScopeCheckMixin):
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "role", "org"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password, User(username=self.cleaned_data.get("username", "")))
        return password


class UserChangeForm(_ScopeCheckMixin):
    class Meta:
        model = User
        fields = ["full_name", "phone", "role", "org", "is_active"]
