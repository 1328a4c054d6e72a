from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jinguo.backups.selectors import backup_status, may_see_backups
from jinguo.common.http import AuthedRequest


@login_required
@require_GET
def backup_overview(request: AuthedRequest) -> HttpResponse:
    """The last backup, the last drill, the recent runs and what is late: the security
    administrator's page; everyone else is refused as on her other pages."""
    if not may_see_backups(request.user):
        raise PermissionDenied
    return render(request, "backups/overview.html", {"status": backup_status(user=request.user)})
