from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jinguo.cases"
    label = "cases"
