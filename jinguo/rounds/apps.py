from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "jinguo.rounds"
    label = "rounds"
