from django.apps import AppConfig


class SanxinConfig(AppConfig):
    name = "jinguo.sanxin"
    label = "sanxin"
