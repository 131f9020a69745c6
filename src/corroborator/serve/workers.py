"""The threads that answer requests: a fixed pool, first come first served, every request bounded in time.

An endpoint's work (its queries and the rendering of its page) runs on one of ``workers`` threads, in the
order the requests came; the event loop only parses requests and writes answers. Each thread queries the
store through its own DuckDB cursor (``store.cursors``), and the id and search indexes, built once at start,
are shared read-only by all threads. A request not answered within ``timeout`` seconds of its arrival
(waiting for a thread included) is answered 503 with ``Retry-After`` (``Busy``): one that has not started
never runs, and one that runs has its query interrupted and stops at its next query, which frees its thread
for the others.

Why a small pool rather than one thread per request: a page is a few milliseconds of DuckDB (which runs
outside the GIL) and a few of Python (which does not). Forty threads at once took turns on the GIL and on
DuckDB's own threads, so every request took as long as the slowest; a pool of one thread per core serves
them in turn, as fast as the machine allows, and the time a request waits is plain queueing.
"""
from __future__ import annotations

import asyncio
import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ..store.cursors import Cancelled, interrupt_thread, set_deadline

DEFAULT_TIMEOUT = 5.0        # seconds from a request's arrival to its answer, waiting included
RETRY_AFTER = 1              # seconds, sent with a 503


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                     # not Linux
        return max(1, os.cpu_count() or 1)


class Busy(Exception):
    """A request was not answered in time (503, ``Retry-After``)."""

    def __init__(self, message: str = "the server is busy: the request could not be answered in time",
                 retry_after: int = RETRY_AFTER):
        super().__init__(message)
        self.retry_after = retry_after


class _Job:
    """One request's work, run once on a worker thread unless given up first."""

    def __init__(self, fn, args, kwargs, deadline: float):
        self.fn, self.args, self.kwargs, self.deadline = fn, args, kwargs, deadline
        self._lock = threading.Lock()
        self._thread = None
        self._over = False

    def __call__(self):
        with self._lock:
            if self._over or time.monotonic() > self.deadline:
                self._over = True
                raise Busy()
            self._thread = threading.get_ident()
        set_deadline(self.deadline)
        try:
            return self.fn(*self.args, **self.kwargs)
        finally:
            set_deadline(None)
            with self._lock:
                self._over = True

    def give_up(self) -> None:
        """Skip the job if it has not started; interrupt its query if it runs (never another job's)."""
        with self._lock:
            if self._thread is not None and not self._over:
                interrupt_thread(self._thread)
            self._over = True


def _forget(fut) -> None:
    if not fut.cancelled():
        fut.exception()        # retrieved, so that asyncio does not log it as never retrieved


class WorkerPool:
    """``workers`` threads running endpoints' work; ``await pool.run(fn, ...)`` or decorate with ``pool.offload``."""

    def __init__(self, workers: int | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.workers = workers or default_workers()
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        self.timeout = float(timeout)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="corroborator-serve")

    async def run(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` on a worker thread; ``Busy`` when not done within the timeout."""
        job = _Job(fn, args, kwargs, time.monotonic() + self.timeout)
        fut = asyncio.wrap_future(self._pool.submit(job))
        try:
            done, _ = await asyncio.wait({fut}, timeout=self.timeout)
        except asyncio.CancelledError:
            job.give_up()
            fut.add_done_callback(_forget)
            raise
        if not done:
            job.give_up()
            fut.add_done_callback(_forget)
            raise Busy()
        try:
            return fut.result()
        except Cancelled as exc:
            raise Busy() from exc

    def offload(self, fn):
        """An async endpoint running the plain function ``fn`` on the pool (same signature, for FastAPI)."""
        @functools.wraps(fn)
        async def endpoint(*args, **kwargs):
            return await self.run(fn, *args, **kwargs)
        return endpoint

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
