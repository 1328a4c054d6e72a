"""The authentication backend: Django's ModelBackend, whose get_user (run on every request
with a session) also loads the user's unit. Nearly every page reads `user.org` for scope; loaded
apart it was one more query a page."""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        from jinguo.accounts.models import User

        user = User._default_manager.select_related("org").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
