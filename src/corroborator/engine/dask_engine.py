"""Run per-article batches on Dask workers (an existing cluster, or a local one started here).

Each worker is a separate process with one thread; it loads the NLP models once (they are cached per
process in ``corroborator.annotate``) and keeps them for every batch it runs. At most ``in_flight``
batches are submitted at a time, so reading inputs never runs far ahead of analysing them and memory
stays bounded however many inputs there are. Results come back as they finish (not in submission
order): the pipeline commits them to the store by content hash, so the order does not matter.
"""
from __future__ import annotations

import logging
import os

from ..errors import CorroboratorError, UsageError
from ._workers import limit_threads, warm_models


def _quiet_dask_logs() -> None:
    # Dask reports cluster start/stop at INFO; the user only needs its warnings
    for name in ("distributed", "dask"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


class DaskEngine:
    """``map_batches`` over a Dask cluster.

    ``scheduler``: address of an existing scheduler (``tcp://host:8786``); when ``None`` a
    ``LocalCluster`` of ``workers`` processes (default: the number of CPUs), one thread each, is started
    and shut down by ``close()``.
    """
    name = "dask"

    def __init__(self, scheduler=None, workers=None, in_flight=None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise UsageError("--engine dask needs the 'distributed' package; pip install distributed") from exc
        self._cluster = None
        _quiet_dask_logs()
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except Exception as exc:  # noqa: BLE001 - one clear line for the user
                raise UsageError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from exc
        else:
            n = int(workers or os.cpu_count() or 1)
            limit_threads()
            # no dashboard (it would need a fixed port, and bokeh); local-only addresses
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                         dashboard_address=None, scheduler_kwargs={"dashboard": False},
                                         worker_dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
        self.n_workers = max(1, len(self.client.scheduler_info().get("workers", {})) or int(workers or 1))
        # two batches per worker: one running, one waiting, so no worker idles between batches
        self.in_flight = int(in_flight or 2 * self.n_workers)
        self.client.run(warm_models)

    def map_batches(self, func, batches):
        """Apply ``func`` to each batch on the workers; yield each result as soon as it is ready.

        No more than ``in_flight`` batches are pending at any time (backpressure on ``batches``).
        """
        from distributed import as_completed

        it = iter(batches)
        pending = as_completed()
        for _ in range(self.in_flight):
            batch = next(it, None)
            if batch is None:
                break
            pending.add(self.client.submit(func, batch, pure=False))
        for fut in pending:
            try:
                result = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died or the task could not run
                raise CorroboratorError(f"a Dask worker failed: {type(exc).__name__}: {exc}") from exc
            finally:
                fut.release()
            batch = next(it, None)
            if batch is not None:
                pending.add(self.client.submit(func, batch, pure=False))
            yield result

    def map_on_workers(self, func, items):
        """``[func(x) for x in items]`` on the workers, in order; ``None`` when the cluster is gone."""
        if getattr(self, "_closed", False):
            return None
        try:
            return self.client.gather(self.client.map(func, list(items), pure=False))
        except Exception:  # noqa: BLE001 - the caller then does the work itself
            logging.getLogger("corroborator").warning("the Dask workers could not embed; embedding here")
            return None

    def close(self):
        if getattr(self, "_closed", False):
            return
        self._closed = True
        try:
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
