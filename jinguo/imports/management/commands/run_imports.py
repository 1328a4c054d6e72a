"""`jinguo run_imports [--loop]`: run queued roster imports outside the web process.

For production with JINGUO_IMPORTS_IN_THREAD=false, as a systemd service:
    ExecStart=/opt/jinguo/venv/bin/jinguo run_imports --loop
Several copies may run: each job is claimed with one conditional UPDATE, so none runs twice.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from jinguo.imports.services import import_jobs_fail_stale, import_jobs_run_queued


class Command(BaseCommand):
    help = "Run queued roster imports (once, or with --loop until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep polling for new jobs")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between polls with --loop"
        )

    def handle(self, *args: Any, loop: bool = False, interval: float = 2.0, **options: Any) -> None:
        while True:
            if loop:  # a long-running worker drops connections the database has closed
                close_old_connections()
            stale = import_jobs_fail_stale()
            ran = import_jobs_run_queued()
            if ran or stale or options.get("verbosity", 1) > 1:
                self.stdout.write(
                    f"ran {ran} import job(s), marked {stale} interrupted job(s) failed"
                )
            if not loop:
                return
            if not ran:
                time.sleep(interval)
