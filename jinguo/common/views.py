from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from jinguo.accounts.roles import Role
from jinguo.accounts.selectors import user_role_counts
from jinguo.common import textsize
from jinguo.common.http import AuthedRequest
from jinguo.orgs.kinds import kind_label
from jinguo.orgs.selectors import org_children, org_subtree_kind_counts


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """Each role lands on its own page: the work for business roles, the tools for 三员."""
    user = request.user
    if user.role == Role.SECURITY_ADMIN:
        return redirect("accounts:security")
    if user.role == Role.AUDIT_ADMIN:
        return redirect("audit:list")
    if user.role == Role.SYSTEM_ADMIN:
        return render(
            request,
            "common/home_system_admin.html",
            {"role_counts": _labelled_role_counts(user_role_counts(user=user))},
        )
    org = user.org
    if org is None:  # cannot happen: a database constraint gives business roles an org
        raise PermissionDenied
    context = {
        "org": org,
        "kind_counts": _labelled_kind_counts(org_subtree_kind_counts(org=org)),
        "children": org_children(org=org),
    }
    return render(request, "common/home.html", context)


def _labelled_kind_counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(kind, kind_label(kind), n) for kind, n in counts.items()]


def _labelled_role_counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(role.value, str(role.label), counts.get(role.value, 0)) for role in Role]


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """The footer's larger-text switch (POST size=lg, or anything else for the normal size),
    for this browser, signed in or not, as the language is; back to the local `next`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = redirect(target)
    if request.POST.get("size") == textsize.LARGE:
        response.set_cookie(
            textsize.COOKIE,
            textsize.LARGE,
            max_age=textsize.MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(textsize.COOKIE, samesite="Lax")
    return response
