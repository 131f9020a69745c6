"""Run per-article batches in this process."""
from __future__ import annotations


class LocalEngine:
    name = "local"
    overlap = True      # False: run ``finish`` in this thread too (the sequential reference, for benchmarks)

    def map_batches(self, func, batches, finish=None):
        """Apply ``func`` to each batch, yielding results in order as they finish.

        With ``finish``, each result is ``finish(func(batch))``, and ``finish`` of batch k runs in one
        background thread while ``func`` of batch k+1 runs here: the two overlap where ``finish``
        releases the GIL (onnxruntime does). At most one batch is in ``finish`` at a time, and results
        come out in batch order, so they are the same as without the thread.
        """
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

    def close(self):
        pass
