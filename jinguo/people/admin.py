"""Nothing of the people app is in the Django admin, on purpose.

The admin belongs to the system administrator (系统管理员), one of the 三员 who see no federation
records: persons hold encrypted ID and phone numbers, and seats, teams and rotations change only
through people.services and people.posts, which keep the history and the audit log.
"""
