from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "jinguo.points"
    label = "points"
