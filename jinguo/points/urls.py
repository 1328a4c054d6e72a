from django.urls import path

from jinguo.points import lovebank_views, views

app_name = "points"
urlpatterns = [
    path("", views.my_points, name="mine"),
    path("history/", views.my_history, name="history"),
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
    path("lovebank/", lovebank_views.lovebank, name="lovebank"),
    path("lovebank/new/", lovebank_views.item_edit, name="item_create"),
    path("lovebank/<int:item_id>/", lovebank_views.item_edit, name="item"),
    path("lovebank/<int:item_id>/restock/", lovebank_views.item_restock, name="item_restock"),
    path("lovebank/<int:item_id>/redeem/", lovebank_views.redeem, name="redeem"),
    path("redemptions/", lovebank_views.redemptions, name="redemptions"),
    path("redemptions.xlsx", lovebank_views.redemptions_export, name="redemptions_export"),
    path("vouchers/<str:code>/", lovebank_views.voucher, name="voucher"),
    path("vouchers/<str:code>/qr.svg", lovebank_views.voucher_qr, name="voucher_qr"),
    path("vouchers/<str:code>/hand-over/", lovebank_views.hand_over, name="hand_over"),
    path("rankings/", views.rankings, name="rankings"),
    path("nominations/", views.nominations, name="nominations"),
    path(
        "nominations/<int:nomination_id>/status/", views.nomination_status, name="nomination_status"
    ),
    path("figures/", views.figures, name="figures"),
]
