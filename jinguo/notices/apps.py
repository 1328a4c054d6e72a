from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "jinguo.notices"
    label = "notices"
