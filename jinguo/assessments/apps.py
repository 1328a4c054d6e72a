from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jinguo.assessments"
    label = "assessments"
