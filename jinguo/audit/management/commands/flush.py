"""`flush` empties every table, the audit log included, as Django's own does.

On PostgreSQL it does so with TRUNCATE, which the audit log's row trigger does not see. On SQLite
it deletes rows, which the audit log's delete trigger (migration 0004) refuses; so on SQLite this
command lifts that trigger for the flush's own transaction and puts it back before the commit
(if anything fails, the rollback puts it back too). The tests rely on it to empty the database
between transactional tests.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

TRIGGER = "audit_event_no_delete"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        if options["interactive"] and not self._confirmed(connection.settings_dict["NAME"]):
            self.stdout.write("Flush cancelled.")
            return None
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER]
            )
            found = cursor.fetchone()
            if found:
                cursor.execute(f"DROP TRIGGER {TRIGGER}")
            super().handle(**{**options, "interactive": False})
            if found:
                cursor.execute(found[0])
        return None

    def _confirmed(self, name: str) -> bool:
        answer = input(
            f"You have requested a flush of the database.\nThis will IRREVERSIBLY DESTROY all "
            f'data currently in the "{name}" database,\nand return each table to an empty '
            "state.\nAre you sure you want to do this?\n\n    Type 'yes' to continue, or 'no' "
            "to cancel: "
        )
        return answer == "yes"
