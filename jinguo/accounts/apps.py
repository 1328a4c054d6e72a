from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jinguo.accounts"
    label = "accounts"

    def ready(self) -> None:
        from jinguo.accounts import checks  # noqa: F401 (registers the deploy check)
