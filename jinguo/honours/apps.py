from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "jinguo.honours"
    label = "honours"
