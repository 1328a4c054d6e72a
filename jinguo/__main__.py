"""The `jinguo` command: Django's manage.py under the project's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings)
    except ImproperlyConfigured as exc:
        # A missing key or a bad variable: its message, not a traceback.
        sys.exit(f"jinguo: {exc}")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
