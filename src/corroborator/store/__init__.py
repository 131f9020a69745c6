"""store: the DuckDB ledger store (per-article analyses for incremental runs, and the ledger tables)."""
from .duckdb_store import Store, open_store
from .search import ClaimIndex

__all__ = ["ClaimIndex", "Store", "open_store"]
