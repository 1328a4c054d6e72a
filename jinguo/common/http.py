from django.http import HttpRequest

from jinguo.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required: mypy then knows `user` is a User."""

    user: User
