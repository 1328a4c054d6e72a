from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.employment.models import JobFair, Loan


class LoanAdmin(SystemAdminModelAdmin):
    list_display = ["borrower", "org", "amount", "bank", "status", "issued_on"]
    list_filter = ["status", "interest_subsidy"]
    raw_id_fields = ["borrower", "org", "created_by"]


class JobFairAdmin(SystemAdminModelAdmin):
    list_display = ["title", "org", "held_on", "online", "visitors", "intents"]
    list_filter = ["online"]
    raw_id_fields = ["org", "venue", "created_by"]


site.register(Loan, LoanAdmin)
site.register(JobFair, JobFairAdmin)
