from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "jinguo.reminders"
    label = "reminders"
