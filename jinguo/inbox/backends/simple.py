"""Backends for development and tests: console (the log), file (one line per message in
JINGUO_MESSAGE_FILE_PATH) and locmem (an `outbox` list in the process, for tests). They print the
masked address only."""

import json
import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jinguo.inbox.backends.base import BaseBackend, Envelope, Result, sms_text
from jinguo.people.masking import mask_phone

log = logging.getLogger("jinguo.inbox")

# Every message a LocmemBackend sent in this process: (channel, address, text, url).
outbox: list[dict[str, Any]] = []


class ConsoleBackend(BaseBackend):
    def describe(self, e: Envelope) -> dict[str, Any]:
        to = mask_phone(e.address()) if e.encrypted else e.to
        return {"channel": self.channel, "to": to, "text": sms_text(e.title, e.url), "url": e.url}

    def send_many(self, envelopes: list[Envelope]) -> list[Result]:
        for e in envelopes:
            log.info("message %s", json.dumps(self.describe(e), ensure_ascii=False))
        return [Result(e.delivery_id, True, ref=f"console-{e.delivery_id}") for e in envelopes]


class FileBackend(ConsoleBackend):
    _lock = threading.Lock()

    def send_many(self, envelopes: list[Envelope]) -> list[Result]:
        folder = Path(settings.JINGUO_MESSAGE_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        name = folder / f"{self.channel}-{timezone.localdate().isoformat()}.jsonl"
        lines = "".join(json.dumps(self.describe(e), ensure_ascii=False) + "\n" for e in envelopes)
        with self._lock, name.open("a", encoding="utf-8") as out:
            out.write(lines)
        return [Result(e.delivery_id, True, ref=f"file-{e.delivery_id}") for e in envelopes]


class LocmemBackend(ConsoleBackend):
    def send_many(self, envelopes: list[Envelope]) -> list[Result]:
        for e in envelopes:
            outbox.append({**self.describe(e), "address": e.address()})
        return [Result(e.delivery_id, True, ref=f"locmem-{e.delivery_id}") for e in envelopes]
