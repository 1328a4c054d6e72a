import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def clock(monkeypatch):
    """clock(datetime) sets the time every service and selector reads (local time, Shanghai)."""

    def _set(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
        now = dt.datetime(y, mo, d, h, mi, tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr(timezone, "now", lambda: now)
        return now

    return _set
