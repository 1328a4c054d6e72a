from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "jinguo.employment"
    label = "employment"
