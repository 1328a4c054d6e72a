"""Reminders are generated from the records (jinguo.reminders.readers, .digest), not typed: no
models of their own; a digest is an inbox Message (kind digest, source "digest:<day>")."""
