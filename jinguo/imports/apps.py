from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "jinguo.imports"
    label = "imports"
