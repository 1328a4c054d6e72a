from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "jinguo.visits"
    label = "visits"
