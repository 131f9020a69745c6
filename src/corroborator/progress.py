"""Progress on a terminal (done / total, rate, ETA); silent when stderr is not a terminal."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, label: str = "articles", stream=None, enabled=None):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.t0 = time.monotonic()
        self._last = 0.0

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and self.done < self.total:
            return
        self._last = now
        elapsed = max(now - self.t0, 1e-6)
        rate = self.done / elapsed
        left = max(self.total - self.done, 0)
        eta = left / rate if rate > 0 else 0
        self.stream.write(f"\r{self.done}/{self.total} {self.label}  {rate:.1f}/s  ETA {eta:4.0f}s  {note[:40]:<40}")
        self.stream.flush()

    def finish(self, message: str = "") -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 90 + "\r")
            if message:
                self.stream.write(message + "\n")
            self.stream.flush()
