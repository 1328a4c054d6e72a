import datetime as dt

from django import template

from jinguo.cases.models import Case
from jinguo.cases.selectors import Clock, case_clock

register = template.Library()


@register.filter
def clock(case: Case, now: dt.datetime) -> Clock:
    return case_clock(case, now)
