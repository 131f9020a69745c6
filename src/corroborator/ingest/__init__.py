"""ingest: find input files and read each into raw documents (``InputDoc``)."""
from .discover import discover
from .readers import read_input

__all__ = ["discover", "read_input"]
