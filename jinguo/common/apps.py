from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "jinguo.common"
    label = "common"
