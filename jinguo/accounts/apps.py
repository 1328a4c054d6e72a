from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jinguo.accounts"
    label = "accounts"
