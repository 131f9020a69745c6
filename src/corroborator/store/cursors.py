"""One DuckDB cursor per thread, and the time limit of what a thread does for one request.

``corroborator serve`` answers requests on a fixed pool of threads (``serve.workers``). A DuckDB cursor is a
connection of its own to the same database: each thread queries through its own cursor (made on its first
query and kept), so queries run side by side and no lock is held while one runs. A thread's work for one
request can be given a deadline (``set_deadline``): every query checks it first and raises ``Cancelled`` once
it has passed, and ``interrupt_thread`` stops the query a thread is running (DuckDB raises at its next vector).
"""
from __future__ import annotations

import threading
import time
import weakref

from ..errors import CorroboratorError


class Cancelled(CorroboratorError):
    """A query was stopped, or not started, because the request it served ran out of time."""


_local = threading.local()
_all: "weakref.WeakSet[ThreadCursors]" = weakref.WeakSet()
_all_lock = threading.Lock()


def set_deadline(when: float | None) -> None:
    """Bound this thread's next queries: after ``when`` (``time.monotonic()``) each raises ``Cancelled``."""
    _local.deadline = when


def check_deadline() -> None:
    """Raise ``Cancelled`` when this thread's deadline has passed."""
    when = getattr(_local, "deadline", None)
    if when is not None and time.monotonic() > when:
        raise Cancelled("the request ran out of time")


def interrupt_thread(ident: int) -> None:
    """Stop the query that thread ``ident`` runs, on any connection (nothing when it runs none)."""
    with _all_lock:
        owners = list(_all)
    for owner in owners:
        owner.interrupt(ident)


class ThreadCursors:
    """Cursors over one DuckDB connection, one per thread that queries it."""

    def __init__(self, con):
        self._con = con
        self._lock = threading.Lock()        # held only to make or list cursors, never while a query runs
        self._by_thread: dict = {}
        with _all_lock:
            _all.add(self)

    def cursor(self):
        """This thread's cursor (made on its first use)."""
        ident = threading.get_ident()
        cur = self._by_thread.get(ident)
        if cur is None:
            with self._lock:
                cur = self._by_thread[ident] = self._con.cursor()
        return cur

    def fetchall(self, sql: str, params=()) -> list:
        """The rows of ``sql`` run on this thread's cursor (``Cancelled`` past the thread's deadline)."""
        import duckdb
        check_deadline()
        try:
            return self.cursor().execute(sql, list(params)).fetchall()
        except duckdb.InterruptException as exc:
            raise Cancelled("the request ran out of time; its query was stopped") from exc

    def interrupt(self, ident: int) -> None:
        cur = self._by_thread.get(ident)
        if cur is not None:
            cur.interrupt()

    def close(self) -> None:
        with self._lock:
            cursors, self._by_thread = list(self._by_thread.values()), {}
        for cur in cursors:
            try:
                cur.close()
            except Exception:       # noqa: BLE001 - a cursor of a connection already closed
                pass
