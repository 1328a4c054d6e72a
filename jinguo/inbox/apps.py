from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "jinguo.inbox"
    label = "inbox"
