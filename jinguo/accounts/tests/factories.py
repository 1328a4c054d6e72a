from typing import Any

import factory

from jinguo.accounts.models import User
from jinguo.accounts.services import user_create

PASSWORD = "Jinguo@2026"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.CADRE
    org = None
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return user_create(actor=None, **kwargs)
