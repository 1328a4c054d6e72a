from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jinguo.orgs"
    label = "orgs"
