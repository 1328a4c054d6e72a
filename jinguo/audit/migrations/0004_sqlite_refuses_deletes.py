"""SQLite refuses deletes from the audit log too, as PostgreSQL does (0002, 0003).

SQLite has no per-transaction settings, so `audit_purge` opens a gate instead: it inserts a row
into `audit_purge_gate` inside its transaction and deletes it again before the commit, so no
other connection ever sees the gate open (SQLite lets one writer at a time). The trigger lets a
delete through only while the gate is open and only for rows older than 183 days, like the
PostgreSQL trigger; updates stay refused by 0002. `flush` (which empties tables with DELETE on
SQLite, where PostgreSQL uses TRUNCATE, which row triggers do not see) lifts the trigger for its
own transaction: see audit/management/commands/flush.py.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE TABLE IF NOT EXISTS audit_purge_gate (opened integer NOT NULL)",
    """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
WHEN NOT EXISTS (SELECT 1 FROM audit_purge_gate)
     OR OLD."at" >= datetime('now', '-183 days')
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TABLE IF EXISTS audit_purge_gate",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_purge_after_retention")]
    operations = [migrations.RunPython(create, drop)]
