"""Nothing of the households app is in the Django admin, on purpose.

The admin belongs to the system administrator (系统管理员), one of the 三员 who neither read nor
write federation records (三员分立). Households and residents change through the ledger pages and
API. The key-household categories (visit interval, per-executive cap, sensitivity) are federation
work rules, not system settings: they change through households.services.category_save, which
audits the change and re-plans the visits.
"""
