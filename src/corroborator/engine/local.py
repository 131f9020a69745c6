"""Run per-article batches on this machine: in this process, or in worker processes (one per core).

Small runs stay in this process (no start-up cost; spaCy and the embedder load once and are cached).
A run with enough documents (``min_docs_for_processes``, two batches at least) is spread over worker
processes, one per core by default, each loading the models once and keeping them: spaCy holds the GIL,
so threads cannot use the second core for it, processes can. Results always come out in batch order,
and a batch's result does not depend on where it ran, so the ledger is the same either way.
"""
from __future__ import annotations

import logging
import os
from collections import deque

log = logging.getLogger("corroborator")


def _init_worker() -> None:
    """Worker process start: one core per worker, models loaded once before the first batch; the worker
    ends itself when the run that started it is gone (killed with -9, crashed), instead of idling on."""
    import threading

    from ._workers import limit_threads, warm_models

    parent = os.getppid()

    def watch():
        import time
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="corroborator-parent-watch", daemon=True).start()
    limit_threads()
    warm_models()


class LocalEngine:
    name = "local"
    overlap = True      # False: run ``finish`` in this thread too (the sequential reference, for benchmarks)
    min_docs_for_processes = 32   # fewer documents than this: worker start-up would cost more than it saves

    def __init__(self, workers=None):
        env = os.environ.get("CORROBORATOR_WORKERS")
        n = workers if workers is not None else (int(env) if env and env.isdigit() else None)
        self.workers = max(1, int(n if n is not None else (os.cpu_count() or 1)))
        self._pool = None
        self._broken = False
        self.used_processes = False

    # ------------------------------------------------------------------ public
    def map_batches(self, func, batches, finish=None, remote=None):
        """Apply ``func`` to each batch, yielding results in batch order.

        With ``finish``, each result is ``finish(func(batch))``: in this process, ``finish`` of batch k
        runs in one background thread while ``func`` of batch k+1 runs here (they overlap where
        ``finish`` releases the GIL, as onnxruntime does).
        With ``remote`` (a picklable function of one batch giving what ``finish(func(batch))`` gives),
        more than one worker, and at least ``min_docs_for_processes`` documents in two batches or more,
        batches run as ``remote(batch)`` in worker processes instead, a bounded number in flight.
        """
        it = iter(batches)
        if remote is not None and self.workers > 1:
            head, docs = [], 0
            for batch in it:
                head.append(batch)
                docs += len(batch)
                if docs >= self.min_docs_for_processes and len(head) >= 2:
                    break
            if docs >= self.min_docs_for_processes and len(head) >= 2:
                yield from self._in_processes(remote, head, it)
                return
            it = iter(head)          # a small run: all of it is in ``head``
        yield from self._in_process(func, it, finish)

    def map_on_workers(self, func, items):
        """``[func(x) for x in items]`` on the worker processes started by ``map_batches``; ``None`` when
        none are running (a small run stayed in this process, or a worker died)."""
        if self._pool is None or self._broken:
            return None
        from concurrent.futures.process import BrokenProcessPool
        try:
            futures = [self._pool.submit(func, x) for x in items]
            return [f.result() for f in futures]
        except BrokenProcessPool:
            self._broken = True
            return None

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # ------------------------------------------------------------------ here
    def _in_process(self, func, batches, finish):
        if finish is None:
            for batch in batches:
                yield func(batch)
            return
        if not self.overlap:
            for batch in batches:
                yield finish(func(batch))
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="corroborator-finish") as pool:
            pending = None
            try:
                for batch in batches:
                    state = func(batch)
                    if pending is not None:
                        done, pending = pending, None
                        yield done.result()
                    pending = pool.submit(finish, state)
                    del state
                if pending is not None:
                    done, pending = pending, None
                    yield done.result()
            finally:
                if pending is not None:
                    pending.cancel()

    # ------------------------------------------------------------------ worker processes
    def _start_pool(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn: a fresh interpreter per worker (no fork of this process's threads or model state)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_init_worker)
        self.used_processes = True

    def _in_processes(self, remote, head, rest):
        """``remote`` over the batches in ``head`` then ``rest``, two batches per worker in flight."""
        from concurrent.futures.process import BrokenProcessPool

        self._start_pool()
        in_flight = 2 * self.workers
        pending = deque()          # (batch, future), in submission order

        def submit(batch):
            pending.append((batch, self._pool.submit(remote, batch)))

        source = iter(head)
        broken = False
        for batch in source:
            submit(batch)
            if len(pending) >= in_flight:
                break
        while pending:
            batch, fut = pending.popleft()
            try:
                result = remote(batch) if broken else fut.result()
            except BrokenProcessPool:
                # a worker died (killed, out of memory): this batch and every later one run here instead
                log.warning("a worker process died; the rest of the run continues in this process")
                broken = self._broken = True
                result = remote(batch)
            yield result
            if not broken:
                nxt = next(source, None)
                if nxt is None:
                    source = rest
                    nxt = next(source, None)
                if nxt is not None:
                    submit(nxt)
        if broken:
            for batch in source:
                yield remote(batch)
            for batch in rest:
                yield remote(batch)
