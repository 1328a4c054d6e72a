# The audit log is not in Django admin: only the audit administrator reads it, through the
# audit pages (三员分立: the system administrator must not see or touch it).
