from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "jinguo.backups"
    label = "backups"
