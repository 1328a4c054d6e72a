from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "jinguo.trainings"
    label = "trainings"
