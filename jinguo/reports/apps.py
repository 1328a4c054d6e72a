from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jinguo.reports"
    label = "reports"
