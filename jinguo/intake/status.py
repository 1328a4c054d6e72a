"""The status of a submission in plain words for the resident (no names, no notes)."""

from django.utils.translation import gettext as _

from jinguo.cases.models import Case
from jinguo.intake.models import Submission
from jinguo.visits.models import Wish


def _case_words(status: str) -> str:
    if status == Case.Status.REPORTED:
        return _("已收到，等待受理")
    if status in (Case.Status.ACCEPTED, Case.Status.DISPATCHED):
        return _("已受理，正在安排专人办理")
    if status == Case.Status.IN_PROGRESS:
        return _("正在办理")
    if status == Case.Status.REJECTED:
        return _("不予受理，如有疑问请联系村（社区）妇联")
    if status in (Case.Status.RESOLVED, Case.Status.VERIFIED, Case.Status.CLOSED):
        return _("已办结，欢迎您评价")
    return _("已办结，谢谢您的评价")


def _wish_words(status: str) -> str:
    if status == Wish.Status.COLLECTED:
        return _("已收到，正在寻找爱心认领")
    if status == Wish.Status.CLAIMED:
        return _("已有爱心单位或个人认领")
    if status == Wish.Status.FULFILLED:
        return _("心愿已实现，欢迎您评价")
    return _("心愿未能实现，如有疑问请联系村（社区）妇联")


def plain_status(submission: Submission) -> str:
    if submission.case is not None:
        return _case_words(submission.case.status)
    if submission.wish is not None:
        return _wish_words(submission.wish.status)
    return _("已收到")
