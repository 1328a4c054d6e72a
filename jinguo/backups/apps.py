from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "jinguo.backups"
    label = "backups"

    def ready(self) -> None:
        from jinguo.backups import checks  # noqa: F401 (registers the deploy check)
