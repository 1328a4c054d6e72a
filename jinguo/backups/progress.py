"""What `jinguo backup` and `jinguo restore` print as they go: a line per table, and for a large
table a bar redrawn in place on a terminal (a line every tenth elsewhere, as in a log)."""

import time

from django.core.management.base import OutputWrapper

LARGE = 50_000
WIDTH = 30


class Printed:
    def __init__(self, out: OutputWrapper, err: OutputWrapper) -> None:
        self.out, self.err = out, err
        self.tty = err.isatty()
        self.name, self.total, self.shown, self.last = "", 0, 0, 0.0

    def table_started(self, name: str, rows: int) -> None:
        self.name, self.total, self.shown, self.last = name, rows, 0, time.monotonic()

    def advanced(self, rows: int) -> None:
        if self.total < LARGE or not self.total:
            return
        done = min(rows, self.total)
        if self.tty:
            if time.monotonic() - self.last < 0.2 and done < self.total:
                return
            filled = WIDTH * done // self.total
            bar = "█" * filled + "·" * (WIDTH - filled)
            self.err.write(
                f"\r  {self.name:<36} [{bar}] {done:>10,} / {self.total:,} 行", ending=""
            )
            self.err.flush()
        elif done * 10 // self.total > self.shown:
            self.shown = done * 10 // self.total
            self.err.write(f"  {self.name}: {done:,} / {self.total:,} 行\n", ending="")
        self.last = time.monotonic()

    def table_done(self, name: str, rows: int, seconds: float) -> None:
        if self.tty and self.total >= LARGE:
            self.err.write("\r" + " " * 100 + "\r", ending="")
        speed = f"，{rows / seconds:,.0f} 行/秒" if seconds > 0.5 else ""
        self.out.write(f"  {name:<40} {rows:>10,} 行  {seconds:6.1f} 秒{speed}\n", ending="")

    def step(self, message: str) -> None:
        self.out.write(f"{message}\n", ending="")
