"""The web pages and JSON API of ``corroborator serve`` (FastAPI), over a ledger store opened read-only.

The store is read piece by piece (:class:`~corroborator.store.reader.LedgerReader`): a list is one page of a
query, a story, article or entity page reads the part of the ledger it shows and renders it with the report's
:class:`~corroborator.report.view.LedgerView` and templates, so memory stays small whatever the ledger's size.
At start a full-text index over claims is built (:class:`~corroborator.store.search.ClaimIndex`); the store
is a snapshot (restart to see a newer run). All article text is autoescaped. Endpoints run on a fixed pool
of worker threads, each request within a time limit or answered 503 with Retry-After (``serve.workers``).

The app is wired here from its pieces:

1. ``serve.site``: what every endpoint reads (the reader, the claim index, the templates, the pool);
2. ``serve.error_handlers``: errors as JSON under ``/api``, as the error page elsewhere;
3. ``serve.api``: the JSON API under ``/api`` (OpenAPI at ``/openapi.json``; no docs UI, as it would load
   scripts from a CDN); every list is paginated with ``limit`` (1-500) and ``offset``;
4. ``serve.pages``: the web pages; ``/claims/{id}`` and ``/claim-groups/{id}`` redirect to their place in a
   story page; every URL is built by ``serve.urls``;
5. ``serve.guard``: what a read-only server refuses before routing, and the security headers.
"""
from __future__ import annotations

from fastapi import FastAPI

from ..store import Store
from ..store.reader import LedgerReader
from .api import add_api_routes
from .error_handlers import add_error_handlers
from .guard import RequestGuard
from .pages import PAGE_SIZE, add_page_routes
from .site import Site
from .workers import DEFAULT_TIMEOUT, WorkerPool, default_workers

__all__ = ["LOOPBACK_HOSTS", "PAGE_SIZE", "create_app", "load_ledger", "run"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def load_ledger(ledger_path) -> dict:
    """The ledger stored at ``ledger_path`` (raises ``LedgerError`` when missing or not a ledger store)."""
    with Store(ledger_path, read_only=True) as store:
        return store.read_ledger()


def create_app(ledger_path=None, ledger: dict | None = None, allowed_hosts=None, workers: int | None = None,
               timeout: float = DEFAULT_TIMEOUT):
    """The ASGI app over a store (``ledger_path``) or an already loaded ``ledger`` dict.

    ``allowed_hosts`` (e.g. the loopback names) makes the app refuse other Host headers. Requests are answered
    by ``workers`` threads (default: one per core), each within ``timeout`` seconds or 503 (``serve.workers``).
    """
    reader = LedgerReader.from_ledger(ledger) if ledger is not None else LedgerReader.open(ledger_path)
    site = Site(reader, WorkerPool(workers, timeout))
    app = FastAPI(title="corroborator", version=str(site.run_record.get("version", "")),
                  description="Read-only JSON API over a corroborator ledger: stories, claim groups, claims, "
                              "articles, entities, quotes, timeline and full-text search over claims.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    add_error_handlers(app, site)
    add_api_routes(app, site)          # the routes stay flat on the app, in this order
    add_page_routes(app, site)
    return RequestGuard(app, allowed_hosts=allowed_hosts)


def run(ledger_path, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    """Serve the ledger at ``ledger_path`` until interrupted (read-only; loopback by default), answering on
    ``workers`` threads (default: one per core)."""
    import uvicorn
    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(ledger_path, allowed_hosts=LOOPBACK_HOSTS if loopback else None, workers=workers)
    print(f"corroborator: serving {ledger_path} at http://{host if ':' not in host else f'[{host}]'}:{port}/ "
          f"with {workers or default_workers()} worker threads (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, access_log=False,
                timeout_keep_alive=5, limit_concurrency=256, h11_max_incomplete_event_size=16 * 1024)
