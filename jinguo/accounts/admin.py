from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.admin import display as admin_display
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jinguo.accounts import services
from jinguo.accounts.forms import UserChangeForm, UserCreateForm
from jinguo.accounts.models import AccountRequest, User
from jinguo.common.admin import SystemAdminModelAdmin, site

_PENDING = AccountRequest.objects.filter(user=OuterRef("pk"), status=AccountRequest.Status.PENDING)


class UserAdmin(SystemAdminModelAdmin):
    """Accounts are created and changed through accounts.services, so every change is audited.
    A new account, a new role or a new org waits for the security administrator's approval;
    enabling and disabling accounts is hers too (三员分立), so it is not offered here."""

    list_display = [
        "username",
        "full_name",
        "masked_phone",
        "role",
        "org",
        "approval_state",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "approval", "is_active"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["org"]
    readonly_fields = [
        "approval_state",
        "is_active",
        "last_login",
        "date_joined",
        "password_changed_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).annotate(has_pending=Exists(_PENDING))

    @admin_display(description=_("手机号"))
    def masked_phone(self, obj: User) -> str:
        return obj.masked_phone or "—"

    @admin_display(description=_("审批状态"))
    def approval_state(self, obj: User) -> str:
        request = (
            AccountRequest.objects.filter(user=obj, status=AccountRequest.Status.PENDING)
            .select_related("org")
            .first()
            if getattr(obj, "has_pending", True)
            else None
        )
        if request is None:
            return str(obj.get_approval_display())
        if request.kind == AccountRequest.Kind.CREATE:
            return gettext("待安全管理员批准：新建账号")
        org = request.org.name if request.org else "—"
        return gettext("待安全管理员批准：变更为%(role)s（%(org)s）") % {
            "role": request.get_role_display(),
            "org": org,
        }

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> "type[forms.ModelForm[Any]]":
        kwargs["form"] = UserChangeForm if obj is not None else UserCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        form = UserChangeForm if obj is not None else UserCreateForm
        fields = list(form.base_fields)
        return [*fields, *self.readonly_fields] if obj is not None else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Nobody asks for a new role or org for the account she signs in with.
        if obj is not None and obj.pk == request.user.pk:
            return ["role", "org", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = cast(User, request.user)  # the admin site only lets the system admin in
        # The form has already run the services' checks, so these calls do not fail on input.
        if change:
            original = User.objects.get(pk=obj.pk)
            role, org = data.get("role", original.role), data.get("org", original.org)
            updated = services.user_update(
                actor=actor,
                user=original,
                full_name=data["full_name"],
                role=role,
                org=org,
                phone=data["phone"],
            )
            if AccountRequest.objects.filter(
                user=updated, status=AccountRequest.Status.PENDING
            ).exists():
                messages.info(request, gettext("该账号的申请已提交，安全管理员批准后生效。"))
        else:
            created = services.user_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                org=data["org"],
                password=data["password"],
                phone=data["phone"],
            )
            obj.pk = created.pk
            messages.info(request, gettext("账号已创建，安全管理员批准后才能登录。"))


site.register(User, UserAdmin)
