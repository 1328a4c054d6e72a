class BackupError(Exception):
    """A backup that cannot be written or restored here; the message is Chinese and says why."""
