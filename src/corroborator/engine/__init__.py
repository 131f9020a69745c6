"""engine: how the per-article stages are run (in this process, or on Dask workers)."""
from .local import LocalEngine


def get_engine(name: str = "local", scheduler=None, workers=None):
    """Return the engine called ``name`` (``local`` or ``dask``)."""
    if name == "local":
        return LocalEngine()
    if name == "dask":
        from .dask_engine import DaskEngine
        return DaskEngine(scheduler=scheduler, workers=workers)
    from ..errors import UsageError
    raise UsageError(f"unknown engine {name!r}; choose 'local' or 'dask'")


__all__ = ["get_engine", "LocalEngine"]
