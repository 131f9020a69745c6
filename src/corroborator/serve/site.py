"""What every endpoint of ``corroborator serve`` reads: the store's reader, the claim index, the templates.

A :class:`Site` is built once per app (``app.create_app``) and handed to the functions that add
the routes (``serve.api``, ``serve.pages``) and the error handlers (``serve.error_handlers``).
"""
from __future__ import annotations

import functools
import pathlib

from fastapi import Path, Query
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from ..report.html import environment
from ..report.view import LedgerView
from ..store.reader import LedgerReader
from ..store.search import ClaimIndex
from . import urls
from .workers import WorkerPool

HERE = pathlib.Path(__file__).parent

# request parameters both the API and the pages take
OFFSET = Query(0, ge=0, le=10_000_000, description="items to skip")


def ledger_id():
    """A path parameter naming one record of the ledger."""
    return Path(..., min_length=1, max_length=200, description="a ledger id")


def missing(kind: str, ident: str):
    """Raise the 404 of a record not in the ledger (``or missing(...)`` after a lookup)."""
    raise HTTPException(404, f"no {kind} with id {ident!r}")


class Site:
    """The reader of one ledger store, its full-text index over claims, the page templates and the worker pool.

    ``work`` decorates an endpoint so that it runs on the pool (``serve.workers``).
    """

    def __init__(self, reader: LedgerReader, pool: WorkerPool):
        self.reader = reader
        self.index = ClaimIndex(reader.claim_texts())
        self.env = environment([HERE / "templates"])
        self.run_record = {"version": None, "finished": None, **reader.run}
        self.pool = pool
        self.work = pool.offload

    def render(self, name: str, status: int = 200, view: LedgerView | None = None, **ctx) -> HTMLResponse:
        """The template ``name`` rendered with ``ctx``; its links to claims and groups stay inside ``view``."""
        html = self.env.get_template(name).render(href=functools.partial(urls.href, _view=view),
                                                  run=self.run_record, view=view, inline_css=None, **ctx)
        return HTMLResponse(html, status_code=status)

    def search(self, q: str, story: str | None, limit: int, offset: int):
        """``(total, [hit])``: each hit the claim, its score, group id and status, and its article's metadata
        (outlet, story id and title). A ``story`` not in the ledger is a 404."""
        reader = self.reader
        if story and reader.record("stories", story) is None:
            missing("story", story)
        total, hits = self.index.search(q, limit=limit, offset=offset, story=story or None)
        claims = reader.claims(cid for cid, _ in hits)
        groups = reader.groups_of(claims)
        articles = {a["id"]: a for a in reader.articles_meta(c["article"] for c in claims.values())}
        return total, [{"claim": claims[cid], "score": score, "group": (groups.get(cid) or (None, None))[0],
                        "status": (groups.get(cid) or (None, None))[1],
                        "article": articles.get(claims[cid]["article"], {})} for cid, score in hits if cid in claims]
