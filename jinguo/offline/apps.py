from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "jinguo.offline"
    label = "offline"
