"""Reminders are generated from the records (jinguo.reminders.digest), not typed."""
