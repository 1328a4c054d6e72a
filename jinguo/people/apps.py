from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jinguo.people"
    label = "people"
