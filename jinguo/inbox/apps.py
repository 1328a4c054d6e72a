from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "jinguo.inbox"
    label = "inbox"

    def ready(self) -> None:
        from jinguo.inbox import checks  # noqa: F401  (registers the system checks)
