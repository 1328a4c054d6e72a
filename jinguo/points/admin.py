"""Nothing of this app is in the Django admin, on purpose.

The admin belongs to the system administrator (系统管理员), one of the 三员 who neither read nor
write federation records (三员分立); the records change only through the app's pages and API,
whose services check scope and write the history and the audit log.
"""
