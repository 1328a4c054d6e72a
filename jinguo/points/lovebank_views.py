"""Pages of the love bank: the catalogue, its items, redemptions and vouchers."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import date_param, int_param, org_param
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.selectors import may_write_at
from jinguo.people.selectors import person_get_for_user
from jinguo.points import forms, selectors
from jinguo.points.exports import REDEMPTION_COLUMNS
from jinguo.points.lovebank import (
    lovebank_item_save,
    lovebank_redeem,
    lovebank_restock,
    redemption_hand_over,
)
from jinguo.points.views import _flash_errors, _scoped

# --- love bank -----------------------------------------------------------------------------------


@login_required
@require_GET
def lovebank(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    items = selectors.catalogue(user=request.user)
    person = request.user.person
    balance = selectors.points_balance(person=person) if person else None
    context = {"items": items, "balance": balance, "redeem_form": forms.RedeemForm()}
    return render(request, "points/lovebank.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, item_id: int | None = None) -> HttpResponse:
    user = request.user
    if item_id is not None:
        item = selectors.item_get_for_user(user=user, item_id=item_id, for_write=True)
        org = item.org
        initial = {"name": item.name, "price": item.price, "stock": item.stock}
        initial["is_active"] = item.is_active
    else:
        item, org, initial = None, org_param(request, for_write=True), {}
    form = forms.ItemForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form, lambda: lovebank_item_save(actor=user, org=org, item=item, **data)
        )
        if saved is not None:
            return redirect("points:lovebank")
    context = {"form": form, "title": _("爱心银行物品") + f" · {org.name}", "multipart": True}
    if item is not None:
        context |= {"item": item, "restock_form": forms.RestockForm()}
        context["changes"] = item.changes.select_related("actor")
    return render(request, "points/form.html", context)


@login_required
@require_POST
def item_restock(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get_for_user(user=request.user, item_id=item_id, for_write=True)
    form = forms.RestockForm(request.POST)
    done = None
    if form.is_valid():
        run = lambda: lovebank_restock(actor=request.user, item=item, **form.cleaned_data)  # noqa: E731
        done = call_service(form, run)
    if done is not None:
        messages.success(request, _("库存已更新"))
    else:
        _flash_errors(request, form)
    return redirect("points:item", item_id=item.pk)


@login_required
@require_POST
def redeem(request: AuthedRequest, item_id: int) -> HttpResponse:
    user = request.user
    # Spending points leaves the item's record alone: lovebank_redeem decides who may (her own
    # points, or a cadre of the item's unit for someone else's).
    item = selectors.item_get_for_user(user=user, item_id=item_id)
    person_id = int_param(request.POST, "person")
    if person_id:
        person = person_get_for_user(user=user, person_id=person_id, for_write=True)
    elif user.person is not None:
        person = user.person
    else:
        raise PermissionDenied  # no points of her own and nobody named: as the API answers
    form = forms.RedeemForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            lambda: lovebank_redeem(actor=user, person=person, item=item, **form.cleaned_data),
        )
        if done is not None:
            return redirect("points:voucher", code=done.voucher)
    _flash_errors(request, form)
    return redirect("points:lovebank")


@login_required
@require_GET
def redemptions(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request) if request.GET.get("org") else None
    start, end = date_param(request.GET, "start"), date_param(request.GET, "end")
    rows = selectors.redemption_list(user=request.user, org=org, start=start, end=end)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "points/redemptions.html", {"page": page, "query": request.GET.urlencode()}
    )


@login_required
@require_GET
def redemptions_export(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request) if request.GET.get("org") else None
    start, end = date_param(request.GET, "start"), date_param(request.GET, "end")
    rows = selectors.redemption_list(user=request.user, org=org, start=start, end=end)
    return xlsx_download(
        actor=request.user,
        action="points.redemptions_export",
        filename=_("爱心银行兑换记录"),
        columns=REDEMPTION_COLUMNS,
        records=rows.iterator(chunk_size=2000),
        note=request.GET.urlencode(),
    )


@login_required
@require_GET
def voucher(request: AuthedRequest, code: str) -> HttpResponse:
    row = selectors.redemption_get_for_user(user=request.user, voucher=code)
    may_hand_over = may_write_at(user=request.user, org=row.item.org, cadre_only=True)
    return render(request, "points/voucher.html", {"r": row, "may_hand_over": may_hand_over})


@login_required
@require_GET
def voucher_qr(request: AuthedRequest, code: str) -> HttpResponse:
    row = selectors.redemption_get_for_user(user=request.user, voucher=code)
    url = request.build_absolute_uri(reverse("points:voucher", args=[row.voucher]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
@require_POST
def hand_over(request: AuthedRequest, code: str) -> HttpResponse:
    row = selectors.redemption_get_for_user(user=request.user, voucher=code, for_write=True)
    try:
        redemption_hand_over(actor=request.user, redemption=row)
        messages.success(request, _("已登记领取"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("points:voucher", code=row.voucher)
