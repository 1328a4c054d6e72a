"""The authentication backend: Django's ModelBackend, whose get_user (run on every request
with a session) also loads the user's unit. Nearly every page reads `user.org` for scope; loaded
apart it was one more query a page. An account signs in only if User.can_sign_in."""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """Enabled, and approved by the security administrator if an administrator made it
        (User.can_sign_in): a pending account neither signs in nor keeps a session."""
        return bool(getattr(user, "can_sign_in", False))

    def get_user(self, user_id: Any) -> Any:
        from jinguo.accounts.models import User

        user = User._default_manager.select_related("org").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
