"""`jinguo run_imports`: queue again the roster imports no task will come back for.

The Celery worker runs imports (jinguo.imports.tasks), and a job whose worker died is delivered
again by the broker. This one-shot command is for the operator: jobs still queued (their task
was lost, e.g. the broker was emptied) and jobs left validating or writing with no progress for
30 minutes (a web process restarted while it ran one with no broker) are queued again. With no
broker they run here and now.
"""

from typing import Any

from django.core.management.base import BaseCommand

from jinguo.imports.services import import_jobs_requeue


class Command(BaseCommand):
    help = "Queue again queued and interrupted roster imports (no broker: run them now)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"queued {import_jobs_requeue()} import job(s)")
