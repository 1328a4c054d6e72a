from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CADRE = "cadre", _("妇联干部")
    GRID_MEMBER = "grid_member", _("网格执委")
    LEADER = "leader", _("领导（只读）")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Roles that work with the federation's records, each inside an org subtree.
BUSINESS_ROLES = frozenset({Role.CADRE, Role.GRID_MEMBER, Role.LEADER})
WRITE_ROLES = frozenset({Role.CADRE, Role.GRID_MEMBER})
# The three separated administrators (三员): no access to the federation's records.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
