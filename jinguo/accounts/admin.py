from typing import Any, cast

from django.http import HttpRequest

from jinguo.accounts import services
from jinguo.accounts.forms import UserChangeForm, UserCreateForm
from jinguo.accounts.models import User
from jinguo.common.admin import SystemAdminModelAdmin, site


class UserAdmin(SystemAdminModelAdmin):
    """Accounts are created and changed through accounts.services, so every change is audited."""

    list_display = ["username", "full_name", "role", "org", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["org"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        kwargs["form"] = UserChangeForm if obj is not None else UserCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        form = UserChangeForm if obj is not None else UserCreateForm
        fields = list(form.base_fields)
        return [*fields, *self.readonly_fields] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = cast(User, request.user)  # the admin site only lets the system admin in
        # The form has already run the services' checks, so these calls do not fail on input.
        if change:
            original = User.objects.get(pk=obj.pk)
            services.user_update(
                actor=actor,
                user=original,
                full_name=data["full_name"],
                role=data["role"],
                org=data["org"],
                is_active=data["is_active"],
                phone=data["phone"],
            )
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


site.register(User, UserAdmin)
