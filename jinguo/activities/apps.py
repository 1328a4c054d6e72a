from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "jinguo.activities"
    label = "activities"
