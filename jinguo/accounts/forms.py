from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.accounts.services import scope_errors
from jinguo.people.phones import PhoneError, parse_phone


def captcha_field() -> CaptchaField:
    """The picture code (验证码) asked for after repeated failures (accounts.throttle), made and
    checked on this server (django-simple-captcha); each code can be tried once."""
    return CaptchaField(
        label=_("验证码"),
        widget=CaptchaTextInput(attrs={"class": "form-control mt-2", "autocomplete": "off"}),
        error_messages={
            "invalid": _("验证码不正确，请输入新图片中的字符。"),
            "required": _("请输入图片中的验证码。"),
            "incomplete": _("请输入图片中的验证码。"),
        },
    )


class LoginForm(AuthenticationForm):
    # One answer for a wrong password, an unknown name, a locked or a disabled account, so
    # that the answer tells no one which names exist or are locked.
    error_messages = {
        "invalid_login": _(
            "用户名或密码错误。连续多次失败后账号会暂时锁定，请稍后再试或联系安全管理员。"
        ),
        "inactive": _(
            "用户名或密码错误。连续多次失败后账号会暂时锁定，请稍后再试或联系安全管理员。"
        ),
    }

    def __init__(self, request: Any = None, *args: Any, captcha: bool = False, **kwargs: Any):
        super().__init__(request, *args, **kwargs)
        if captcha:
            self.fields["captcha"] = captcha_field()

    @property
    def captcha_failed(self) -> bool:
        return "captcha" in self.fields and self.has_error("captcha")

    def clean(self) -> dict[str, Any]:
        if self.captcha_failed:
            return self.cleaned_data  # no code, no password check
        # The password is checked for a locked account too (the same work, the same answer),
        # but a right one does not let it in.
        super().clean()
        user = self.get_user()
        if user is not None and user.is_locked(timezone.now()):
            raise self.get_invalid_login_error()
        return self.cleaned_data


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
    # The stored number is encrypted (a TextField underneath): a one-line input, checked as the
    # services check it.
    phone = forms.CharField(label=_("手机号"), max_length=40, required=False)

    def clean_phone(self) -> str:
        try:
            return parse_phone(self.cleaned_data.get("phone", ""))
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "role" not in self.fields:
            return data  # role and org are read-only here (one's own account)
        for field, messages in scope_errors(role=data.get("role", ""), org=data.get("org")).items():
            for message in messages:
                self.add_error(field, message)
        return data


class UserCreateForm(_ScopeCheckMixin):
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "role", "org"]
        help_texts = {"role": _("新账号须经安全管理员批准后才能登录。")}

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password, User(username=self.cleaned_data.get("username", "")))
        return password


class UserChangeForm(_ScopeCheckMixin):
    """The phone is never shown whole: blank keeps the stored number. A new role or org is sent
    to the security administrator for approval; enabling and disabling is hers, not here."""

    class Meta:
        model = User
        fields = ["full_name", "phone", "role", "org"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["phone"] = ""
        keep = _("留空则不修改")
        self.fields["phone"].help_text = f"{keep}（{self.instance.masked_phone or '—'}）"
        self.fields["role"].help_text = _("角色或所属组织的变更须经安全管理员批准后生效。")

    # None (keep the stored number) where the create form always gives a number.
    def clean_phone(self) -> str | None:  # type: ignore[override]
        if not (self.cleaned_data.get("phone") or "").strip():
            return None  # keep the stored number
        return super().clean_phone()
