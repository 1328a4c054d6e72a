from django.urls import path

from jinguo.points import views

app_name = "points"
urlpatterns = [
    path("", views.my_points, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("collect/", views.collect, name="collect"),
    path("approve/", views.approve, name="approve"),
    path("correct/", views.correct, name="correct"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry"),
    path("entries/<int:entry_id>/reject/", views.reject, name="reject"),
    path("entries/<int:entry_id>/appeal/", views.appeal, name="appeal"),
    path("entries/<int:entry_id>/ruling/", views.ruling, name="ruling"),
    path("rules/", views.rules, name="rules"),
    path("lovebank/", views.lovebank, name="lovebank"),
    path("lovebank/new/", views.item_edit, name="item_create"),
    path("lovebank/<int:item_id>/", views.item_edit, name="item"),
    path("lovebank/<int:item_id>/restock/", views.item_restock, name="item_restock"),
    path("lovebank/<int:item_id>/redeem/", views.redeem, name="redeem"),
    path("redemptions/", views.redemptions, name="redemptions"),
    path("redemptions.xlsx", views.redemptions_export, name="redemptions_export"),
    path("vouchers/<str:code>/", views.voucher, name="voucher"),
    path("vouchers/<str:code>/qr.svg", views.voucher_qr, name="voucher_qr"),
    path("vouchers/<str:code>/hand-over/", views.hand_over, name="hand_over"),
    path("rankings/", views.rankings, name="rankings"),
    path("nominations/", views.nominations, name="nominations"),
    path(
        "nominations/<int:nomination_id>/status/", views.nomination_status, name="nomination_status"
    ),
    path("figures/", views.figures, name="figures"),
]
