from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jinguo.audit"
    label = "audit"
