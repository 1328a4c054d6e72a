from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "jinguo.meetings"
    label = "meetings"
