"""Run per-article batches one after another in this process."""


class LocalEngine:
    name = "local"

    def map_batches(self, func, batches):
        """Apply ``func`` to each batch, yielding results in order as they finish."""
        for batch in batches:
            yield func(batch)

    def close(self):
        pass
