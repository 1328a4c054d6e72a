from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jinguo.demo"
    label = "demo"

    def ready(self) -> None:
        # Imported here, not at the top: the command module imports models, which are not
        # loaded while apps.py is imported.
        from jinguo.accounts.checks import register_demo_usernames
        from jinguo.demo.management.commands.load_demo import DEMO_USERS

        # The deploy check refuses these accounts in production; accounts does not import demo.
        register_demo_usernames(user.username for user in DEMO_USERS)
