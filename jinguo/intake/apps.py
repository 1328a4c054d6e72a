from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jinguo.intake"
    label = "intake"
