from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "jinguo.common"
    label = "common"

    def ready(self) -> None:
        from jinguo.common import checks  # noqa: F401 (registers the deploy check)
