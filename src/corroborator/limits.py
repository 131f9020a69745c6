"""Safety limits in one place, and a helper that bounds one article's work in time.

The limits (sizes, depth, decompression ratio, text length, time) are what keeps one hostile input from
stopping or swamping a batch. Each one, when broken, must become ``LimitExceeded`` with a one-line reason
naming the limit, and so a ``failed`` entry in ``run.inputs``; it never stops the run.

Time: ``article_budget(seconds)`` bounds one article's work (clean -> annotate -> extract).

    with article_budget(ARTICLE_TIME_BUDGET_S, what=doc.path) as budget:
        article = clean_document(doc)
        budget.check("clean")          # cooperative check between stages (works in every thread)
        ann = annotate(article.text)
        budget.check("annotate")
        ...

Choice, and why: two mechanisms, used together.

1. In the main thread of a POSIX process (the local engine, the CLI), a real-time interval timer
   (``signal.setitimer(ITIMER_REAL)``) delivers SIGALRM when the budget runs out; the handler raises
   ``LimitExceeded`` inside whatever Python code is running, so a runaway loop in the cleaner or an
   extractor is stopped *during* a stage, not only after it. The previous handler and any outer timer are
   restored on exit (an outer timer that would fire sooner keeps its deadline).
   Limit: Python only runs signal handlers between bytecodes, so a long call inside C code (lxml parsing,
   one huge regular-expression match, a spaCy/ONNX call) is interrupted only when it returns to Python.
   That is why the *size* limits below must also hold: they keep every single C call short.
2. Everywhere else (Dask workers, threads, Windows), signals are not available; the budget then only
   checks cooperatively: ``budget.check(stage)`` raises ``LimitExceeded`` once the deadline has passed.
   A thread cannot be killed safely in Python, so a watchdog thread would only be able to report, not stop.

A process-based watchdog (run each article in a child process and kill it) would stop even C code, but
costs a process (and a spaCy model load) per worker and pickling per article; the Dask engine already
gives that isolation per worker, so it is not used here.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time

from .errors import LimitExceeded

MB = 1024 * 1024

# ---------------------------------------------------------------- sizes
MAX_FILE_BYTES = 50 * MB          # one .txt / .json / .jsonl file (a JSONL feed may hold many articles)
MAX_HTML_BYTES = 8 * MB           # one HTML page (a file, a JSON record's "html", a WARC record): news pages
                                  # are well under 2 MB; the HTML extractor's cost grows fast beyond that
MAX_WARC_BYTES = 4 * 1024 * MB    # a WARC is streamed record by record, so the file may be large
MAX_TEXT_CHARS = 1_000_000        # one article's cleaned text (spaCy's own max_length); longer is not an article
MAX_HTML_DEPTH = 3000             # element nesting; lxml/trafilatura recurse over the tree
MAX_JSON_DEPTH = 200              # nesting in a .json/.jsonl record; deeper JSON makes json.loads recurse out

# ---------------------------------------------------------------- decompression
MAX_GZIP_RATIO = 100              # decompressed / compressed bytes ...
GZIP_RATIO_GRACE = 8 * MB         # ... checked once this much has come out (small files compress well)

# ---------------------------------------------------------------- time
ARTICLE_TIME_BUDGET_S = 60.0      # clean + annotate + extract of one article; a normal article takes < 1 s


class Budget:
    """The time left to one article's work; ``check(stage)`` raises ``LimitExceeded`` once it is spent."""

    def __init__(self, seconds: float | None, what: str | None = None):
        self.seconds = seconds
        self.what = what
        self.started = time.monotonic()
        self.deadline = None if seconds is None else self.started + seconds
        self.stage = None
        self.preemptive = False     # True when a SIGALRM timer backs the cooperative checks

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def error(self) -> LimitExceeded:
        where = f" (during {self.stage})" if self.stage else ""
        return LimitExceeded(f"analysis took longer than the {self.seconds:g} s limit per article{where}")

    def check(self, stage: str | None = None) -> None:
        """Note that ``stage`` is next (or done); raise ``LimitExceeded`` when the budget is spent."""
        if self.expired():
            raise self.error()
        if stage is not None:
            self.stage = stage


def _can_use_alarm() -> bool:
    return (hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
            and threading.current_thread() is threading.main_thread())


@contextlib.contextmanager
def article_budget(seconds: float | None = ARTICLE_TIME_BUDGET_S, what: str | None = None, preempt: bool = True):
    """Bound the work inside the ``with`` block to ``seconds`` (None: unbounded); yields a ``Budget``.

    In the main thread on POSIX (and with ``preempt``), SIGALRM interrupts Python code when the budget is
    spent, raising ``LimitExceeded``; elsewhere only ``Budget.check`` enforces it. Re-entrant: an outer
    budget's timer is restored on exit, and an inner budget never extends an outer deadline.
    """
    budget = Budget(seconds, what)
    if seconds is None or seconds <= 0 or not preempt or not _can_use_alarm():
        if seconds is not None and seconds <= 0:
            raise budget.error()
        yield budget
        return

    outer_remaining, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining < seconds:
        # an outer timer fires first: leave it in place, keep only the cooperative checks
        yield budget
        return

    fired = False

    def _on_alarm(signum, frame):
        nonlocal fired
        fired = True
        raise budget.error()

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    budget.preemptive = True
    started = time.monotonic()
    try:
        yield budget
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:
            left = outer_remaining - (time.monotonic() - started)
            # an outer deadline already passed fires (almost) at once, as it would have
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)


def check_size(n_bytes: int, limit: int, what: str = "file") -> None:
    """Raise ``LimitExceeded`` when ``n_bytes`` is over ``limit``, with a one-line reason."""
    if n_bytes > limit:
        raise LimitExceeded(f"{what} is {n_bytes / MB:.1f} MB, over the {limit / MB:g} MB limit")


def check_text_length(text: str, limit: int = MAX_TEXT_CHARS) -> None:
    if len(text) > limit:
        raise LimitExceeded(f"article text is {len(text):,} characters, over the {limit:,} character limit")


def json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets in ``text`` (JSON, strings skipped) never nest deeper than ``limit``; linear time."""
    depth, in_str, esc = 0, False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


__all__ = ["MAX_FILE_BYTES", "MAX_HTML_BYTES", "MAX_WARC_BYTES", "MAX_TEXT_CHARS", "MAX_HTML_DEPTH",
           "MAX_JSON_DEPTH", "MAX_GZIP_RATIO", "GZIP_RATIO_GRACE", "ARTICLE_TIME_BUDGET_S", "Budget",
           "article_budget", "check_size", "check_text_length", "json_depth_ok", "bound_heap",
           "release_free_memory", "add_seconds", "StageTimer", "peak_rss_mb"]


def _libc_function(name):
    try:
        import ctypes
        import ctypes.util
        lib = ctypes.util.find_library("c")
        return getattr(ctypes.CDLL(lib), name, None) if lib else None
    except OSError:
        return None


def bound_heap() -> None:
    """Fix glibc's thresholds for mapping large blocks and trimming the heap (1 and 2 MB; nothing elsewhere).

    By default glibc raises its mapping threshold to the size of the largest block freed (up to 32 MB): after
    one large array, arrays of up to that size are carved from the heap, and their pages stay with the process
    once freed. Linking frees large arrays between phases, so it fixes the thresholds once; measured on the 10k
    bench, the peak fell by 6 MB and the time did not move. Process-wide, and only about when memory is handed
    back."""
    global _BOUND
    if _BOUND:
        return
    _BOUND = True
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        mallopt(M_MMAP_THRESHOLD, 1 << 20)
        mallopt(M_TRIM_THRESHOLD, 2 << 20)


_BOUND = False


def release_free_memory() -> None:
    """Hand the allocator's free pages back to the system (glibc's ``malloc_trim``; nothing elsewhere).

    A phase that builds many small arrays (a key per article) and then drops them leaves its pages with the
    allocator, scattered among live blocks, so the process keeps them; the next phase's large arrays are
    mapped anew on top. Linking calls this between phases so that its peak is one phase's, not their sum."""
    global _TRIM
    if _TRIM is None:
        _TRIM = _libc_function("malloc_trim") or False
    if _TRIM:
        _TRIM(0)


_TRIM = None


# ---------------------------------------------------------------- measures: seconds per stage, peak memory
def add_seconds(timings, stage: str, seconds: float) -> None:
    """Add ``seconds`` to ``timings[stage]`` (``timings``: a dict, or None to measure nothing)."""
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + seconds


class StageTimer:
    """Adds the seconds spent in a ``with`` block to ``timings[stage]`` (when ``timings`` is a dict)."""

    def __init__(self, timings, stage: str):
        self.timings, self.stage = timings, stage

    def __enter__(self):
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        add_seconds(self.timings, self.stage, time.perf_counter() - self.t0)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux VmHWM; 0.0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0
