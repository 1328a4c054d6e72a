from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "jinguo.households"
    label = "households"
