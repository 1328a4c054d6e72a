"""Settings of the test suite (pytest-django's DJANGO_SETTINGS_MODULE in pyproject.toml) and of
mypy's Django plugin: the project's settings as a development machine runs them, DEBUG on with
the published development keys, whatever the shell exports. pytest-django still turns DEBUG off
while each test runs; tests that need production's behaviour set it themselves.

The variable is set in the environment, not only here, because config.settings reads it, and
so that a process a test starts (gunicorn, `jinguo …`) is configured alike.
"""

import os

os.environ["JINGUO_DEBUG"] = "true"

from config.settings import *  # noqa: F403
