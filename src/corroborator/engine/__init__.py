"""engine: how the per-article stages are run (here: in this process or worker processes; or on Dask workers)."""
from .local import LocalEngine


def get_engine(name: str = "local", scheduler=None, workers=None):
    """Return the engine called ``name`` (``local`` or ``dask``)."""
    if name == "local":
        return LocalEngine(workers=workers)
    if name == "dask":
        from .dask_engine import DaskEngine
        return DaskEngine(scheduler=scheduler, workers=workers)
    from ..errors import UsageError
    raise UsageError(f"unknown engine {name!r}; choose 'local' or 'dask'")


__all__ = ["get_engine", "LocalEngine"]
