"""Loaded only into the test's Celery workers (`-I jinguo.common.tests.celery_hold`, see
test_celery_worker.py): while the file JINGUO_TEST_HOLD names exists, an import job waits right
after its claim, with `<hold>.reached` written, so the test can kill the worker mid-job."""

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import worker_ready

HOLD = os.environ.get("JINGUO_TEST_HOLD", "")


@worker_ready.connect
def _hold_imports(**kwargs: Any) -> None:
    if not HOLD:
        return
    from jinguo.imports import running

    process = running._process

    def held(job: Any) -> None:
        Path(f"{HOLD}.reached").write_text(str(job.pk), encoding="utf-8")
        while Path(HOLD).exists():
            time.sleep(0.05)
        process(job)

    running._process = held
