"""What every background task shares, and the in-process beat for installs without Redis.

TRANSIENT: the errors a task retries with backoff (`autoretry_for=TRANSIENT`): the database
gone for a moment (a restart, a dropped connection, SQLite's "database is locked") or the broker
unreachable. Any other error is a bug or bad data: retrying would not help.

InProcessScheduler: Celery beat's own scheduler (the schedule, its persistence in the
`celerybeat-schedule` file, the clock) with one change: a due entry runs in the beat process
(`task.apply`) instead of being sent to a broker. A small install with no Redis runs

    celery -A config beat -S jinguo.common.jobs:InProcessScheduler

beside the web server and gets the whole CELERY_BEAT_SCHEDULE without a worker. Beat runs one
entry after another: a slow one delays the next, and an entry that fell due several times while
it waited runs once.
"""

import logging
from typing import Any, cast

from celery.beat import PersistentScheduler, ScheduleEntry
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

TRANSIENT: tuple[type[Exception], ...] = (OperationalError, InterfaceError, BrokerError)
# Retries of a task after a transient error: 1, 2, 4 … s apart (jittered), at most 10 minutes.
MAX_RETRIES = 8
BACKOFF_MAX = 600


class InProcessScheduler(PersistentScheduler):
    """Beat that runs each due task itself, with no broker and no worker."""

    def apply_async(
        self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Any:
        entry = cast(ScheduleEntry, self.reserve(entry)) if advance else entry
        task = self.app.tasks.get(entry.task or "")
        try:
            if task is None:
                logger.error("beat entry %s: no task %s in this process", entry.name, entry.task)
                return None
            result = task.apply(entry.args, entry.kwargs, throw=False)
            if result.failed():
                logger.error("beat entry %s failed: %r", entry.name, result.result)
            return result
        finally:  # the schedule file's bookkeeping, as Scheduler.apply_async does it (not in
            # celery-types' stubs)
            self._tasks_since_sync += 1  # type: ignore[attr-defined]
            if self.should_sync():
                self._do_sync()  # type: ignore[attr-defined]
