"""Progress on a terminal (done / total, rate, ETA); silent when stderr is not a terminal.

The total may be unknown (a JSONL or WARC file holds any number of articles): then the line shows the
count and rate, plus the share of input files read so far when the caller reports it.
"""
from __future__ import annotations

import sys
import time


def _fmt_eta(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """``advance(n)`` after each finished item; ``finish()`` once. ``total`` may be ``None`` (unknown)."""

    def __init__(self, total, label: str = "articles", stream=None, enabled=None, interval: float = 0.2,
                 clock=time.monotonic):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.interval = interval
        self.clock = clock
        self.t0 = clock()
        self._last = None
        self._width = 0
        self.files_done = 0
        self.files_total = None

    def set_files(self, done: int, total: int) -> None:
        """Report how many input files have been read (shown when the article total is unknown)."""
        self.files_done, self.files_total = done, total

    def line(self) -> str:
        elapsed = max(self.clock() - self.t0, 1e-6)
        rate = self.done / elapsed
        if self.total:
            left = max(self.total - self.done, 0)
            eta = _fmt_eta(left / rate) if rate > 0 else "?"
            pct = 100.0 * self.done / self.total
            return f"{self.done}/{self.total} {self.label} ({pct:.0f}%)  {rate:.1f}/s  ETA {eta}"
        text = f"{self.done} {self.label}  {rate:.1f}/s"
        if self.files_total:
            text += f"  files {self.files_done}/{self.files_total}"
        return text

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if not self.enabled:
            return
        now = self.clock()
        finished = self.total is not None and self.done >= self.total
        if self._last is not None and now - self._last < self.interval and not finished:
            return
        self._last = now
        text = self.line()
        if note:
            text += f"  {note[:40]}"
        self._width = max(self._width, len(text))
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()

    def finish(self, message: str = "") -> None:
        if self.enabled:
            if self._width:
                self.stream.write("\r" + " " * self._width + "\r")
            if message:
                self.stream.write(message + "\n")
            self.stream.flush()
