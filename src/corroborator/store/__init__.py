"""store: the DuckDB ledger store (per-article analyses for incremental runs, and the ledger tables)."""
from .duckdb_store import Store, open_store

__all__ = ["Store", "open_store"]
