"""The web pages and JSON API of ``corroborator serve`` (FastAPI), over a ledger store opened read-only.

The store is read piece by piece (:class:`~corroborator.store.reader.LedgerReader`): a list is one page of a
query, a story, article or entity page reads the part of the ledger it shows and renders it with the report's
:class:`~corroborator.report.view.LedgerView` and templates, so memory stays small whatever the ledger's size.
At start a full-text index over claims is built (:class:`~corroborator.store.search.ClaimIndex`); the store
is a snapshot (restart to see a newer run). All article text is autoescaped. Endpoints run on a fixed pool
of worker threads, each request within a time limit or answered 503 with Retry-After (``serve.workers``). JSON lives under ``/api`` (OpenAPI at ``/openapi.json``; no docs UI, as it
would load scripts from a CDN); every list is paginated with ``limit`` (1-500) and ``offset``; errors are JSON
``{"error": {"status", "message"}}``. ``/claims/{id}`` and ``/claim-groups/{id}`` redirect to their place in
a story page.
"""
from __future__ import annotations

import functools
import pathlib
from typing import Literal, Optional
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..report.html import environment
from ..report.view import LedgerView
from ..store import Store
from ..store.reader import LedgerReader
from ..store.search import ClaimIndex
from .guard import RequestGuard
from .workers import DEFAULT_TIMEOUT, Busy, WorkerPool, default_workers

HERE = pathlib.Path(__file__).parent
STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

Status = Literal["corroborated", "attributed_only", "single_source", "conflicting"]
EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "OTHER"]
LIMIT = Query(50, ge=1, le=500, description="items per page (1-500)")
OFFSET = Query(0, ge=0, le=10_000_000, description="items to skip")
PAGE_SIZE = 50
TIMELINE_CLAIMS = 10     # claims shown under one date of the timeline page ("and N more"): 100 made 500 kB pages
PLURAL = {"story": "stories", "article": "articles", "entity": "entities"}


class Page(BaseModel):
    """One page of a list: ``items[offset:offset+limit]`` of ``total``; ``next_offset`` is null on the last."""
    total: int
    limit: int
    offset: int
    next_offset: Optional[int]
    items: list[dict]


class Error(BaseModel):
    error: dict


ERRORS = {400: {"model": Error}, 404: {"model": Error}, 422: {"model": Error},
          503: {"model": Error, "description": "not answered in time (busy); retry after Retry-After seconds"}}


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
    index = ClaimIndex(reader.claim_texts())
    env = environment([HERE / "templates"])
    statics = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.is_file() and p.suffix in STATIC_TYPES}
    run_record = {"version": None, "finished": None, **reader.run}
    pool = WorkerPool(workers, timeout)
    work = pool.offload

    app = FastAPI(title="corroborator", version=str(run_record.get("version", "")),
                  description="Read-only JSON API over a corroborator ledger: stories, claim groups, claims, "
                              "articles, entities, quotes, timeline and full-text search over claims.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")

    # ------------------------------------------------------------ links and rendering
    def href(kind: str, ident: str | None = None, _view: LedgerView | None = None, **params) -> str:
        q = ("?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})) if params else ""
        if kind == "home":
            return "/" + q
        if kind in ("timeline", "search", "articles", "entities"):
            return f"/{kind}{q}"
        if kind == "claim":
            # a claim of the page's own part links to its place; any other goes through /claims/{id}
            c = _view.claims.get(ident) if _view is not None else None
            sid = c and _view.story_of_article.get(c["article"])
            if sid:
                return f"/stories/{quote(sid, safe='')}#claim-{ident}"
            return f"/claims/{quote(str(ident), safe='')}"
        if kind == "group":
            g = _view.groups.get(ident) if _view is not None else None
            if g:
                return f"/stories/{quote(g['story'], safe='')}#group-{ident}"
            return f"/claim-groups/{quote(str(ident), safe='')}"
        return f"/{PLURAL[kind]}/{quote(str(ident), safe='')}"

    def render(name: str, status: int = 200, view: LedgerView | None = None, **ctx) -> HTMLResponse:
        html = env.get_template(name).render(href=functools.partial(href, _view=view), run=run_record, view=view,
                                             inline_css=None, **ctx)
        return HTMLResponse(html, status_code=status)

    def pages(kind, total, offset, **params):
        """Links to the previous and next page of a web list (``None`` at either end)."""
        prev_ = href(kind, **params, offset=max(offset - PAGE_SIZE, 0) or None) if offset > 0 else None
        next_ = href(kind, **params, offset=offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None
        return {"prev": prev_, "next": next_, "first": offset + 1 if total else 0,
                "last": min(offset + PAGE_SIZE, total), "total": total}

    # ------------------------------------------------------------ errors
    def error_response(request: Request, status: int, message: str, details=None):
        if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
            body = {"error": {"status": status, "message": message}}
            if details:
                body["error"]["details"] = details
            return JSONResponse(body, status_code=status)
        return render("error.html", status=status, status_code=status, message=message, details=details or [])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        messages = {404: "not found", 405: "method not allowed"}
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else messages.get(exc.status_code, "error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page or resource at {request.url.path}"
        return error_response(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        summary = "; ".join(f"{d['where']}: {d['problem']}" for d in details)
        return error_response(request, 422, f"invalid request: {summary}", details)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        return error_response(request, 500, "internal error: the server could not answer this request")

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        response = error_response(request, 503, str(exc))
        response.headers["retry-after"] = str(exc.retry_after)
        return response

    def missing(kind: str, ident: str):
        raise HTTPException(404, f"no {kind} with id {ident!r}")

    def page_of(total, items, limit, offset) -> dict:
        nxt = offset + limit if offset + limit < total else None
        return {"total": total, "limit": limit, "offset": offset, "next_offset": nxt, "items": items}

    def with_members(g: dict) -> dict:
        members = reader.claims(g["claims"])
        return {**g, "members": [members[c] for c in g["claims"] if c in members]}

    # ------------------------------------------------------------ JSON API
    # Every endpoint queries the store and renders on a worker thread (``@work``), the event loop never blocks.
    @app.get("/api", tags=["api"], summary="What the ledger holds", responses=ERRORS)
    @work
    def api_index():
        return JSONResponse({"version": run_record.get("version"), "finished": run_record.get("finished"),
                             "counts": reader.counts(), "claim_groups_by_status": reader.group_status_counts()})

    @app.get("/api/stories", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Stories with their counts of claims and claim groups by status")
    @work
    def api_stories(q: Optional[str] = Query(None, max_length=200, description="words in the title"),
                    limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.story_summaries(q, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/stories/{story_id}", tags=["api"], responses=ERRORS,
             summary="One story: its articles and claim groups (with member claims and conflicts)")
    @work
    def api_story(story_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        part = reader.story_part(story_id) or missing("story", story_id)
        view = LedgerView(part)
        groups = [{**g, "members": [view.claims[c] for c in g["claims"] if c in view.claims]}
                  for g in view.groups_by_story.get(story_id, [])]
        articles = [_article_meta(view.articles[a]) for a in view.stories[story_id]["articles"] if a in view.articles]
        return JSONResponse({"story": view.stories[story_id], "summary": view.story_summaries[story_id],
                             "articles": articles, "claim_groups": groups})

    @app.get("/api/claim-groups", tags=["api"], response_model=Page, responses=ERRORS, summary="Claim groups")
    @work
    def api_groups(story: Optional[str] = Query(None, max_length=200), status: Optional[Status] = None,
                   limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.claim_groups_page(story, status, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/claim-groups/{group_id}", tags=["api"], responses=ERRORS, summary="One claim group")
    @work
    def api_group(group_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        g = reader.record("claim_groups", group_id) or missing("claim group", group_id)
        return JSONResponse(with_members(g))

    @app.get("/api/claims", tags=["api"], response_model=Page, responses=ERRORS, summary="Claims")
    @work
    def api_claims(article: Optional[str] = Query(None, max_length=200), status: Optional[Status] = None,
                   limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.claims_page(article, status, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/claims/{claim_id}", tags=["api"], responses=ERRORS, summary="One claim, with its group")
    @work
    def api_claim(claim_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        c = reader.record("claims", claim_id) or missing("claim", claim_id)
        grp = reader.groups_of([claim_id]).get(claim_id)
        return JSONResponse({"claim": c, "claim_group": grp and reader.record("claim_groups", grp[0]),
                             "article": _article_meta(reader.record("articles", c["article"]))})

    @app.get("/api/articles", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Articles (metadata only; the text is in /api/articles/{id})")
    @work
    def api_articles(outlet: Optional[str] = Query(None, max_length=200), limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.articles_page(outlet, limit, offset)
        return JSONResponse(page_of(total, [_article_meta(a) for a in items], limit, offset))

    @app.get("/api/articles/{article_id}", tags=["api"], responses=ERRORS,
             summary="One article: the whole ledger record (text, captions, removed items, source map)")
    @work
    def api_article(article_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        return JSONResponse(reader.record("articles", article_id) or missing("article", article_id))

    @app.get("/api/entities", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Entities (mentions counted; listed in /api/entities/{id})")
    @work
    def api_entities(type: Optional[EntityType] = None, q: Optional[str] = Query(None, max_length=200),
                     limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.entities_page(type, q, limit, offset)
        items = [{k: v for k, v in e.items() if k != "mentions"} | {"mention_count": len(e["mentions"])}
                 for e in items]
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/entities/{entity_id}", tags=["api"], responses=ERRORS,
             summary="One entity: aliases, mentions, the quotes it speaks and the claims attributed to it")
    @work
    def api_entity(entity_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        part = reader.entity_part(entity_id) or missing("entity", entity_id)
        return JSONResponse({"entity": part["entities"][0], "quotes": part["quotes"], "claims": part["claims"]})

    @app.get("/api/quotes", tags=["api"], response_model=Page, responses=ERRORS, summary="Quotes")
    @work
    def api_quotes(article: Optional[str] = Query(None, max_length=200),
                   speaker: Optional[str] = Query(None, max_length=200, description="an entity id"),
                   limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.quotes_page(article, speaker, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/timeline", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Dated claims, by date (YYYY, YYYY-MM or YYYY-MM-DD), oldest first")
    @work
    def api_timeline(limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.timeline_page(limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/search", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Full-text search over claims (BM25; every word must match)")
    @work
    def api_search(q: str = Query(..., min_length=1, max_length=200, description="words to find"),
                   story: Optional[str] = Query(None, max_length=200), limit: int = LIMIT, offset: int = OFFSET):
        total, hits = _search(q, story, limit, offset)
        items = [{"claim": h["claim"], "score": round(h["score"], 4), "status": h["status"],
                  "claim_group": h["group"], "story": h["article"].get("story")} for h in hits]
        return JSONResponse(page_of(total, items, limit, offset))

    def _search(q, story, limit, offset):
        """``(total, [hit])``: each hit the claim, its score, group id and status, and its article's metadata
        (outlet, story id and title)."""
        if story and reader.record("stories", story) is None:
            missing("story", story)
        total, hits = index.search(q, limit=limit, offset=offset, story=story or None)
        claims = reader.claims(cid for cid, _ in hits)
        groups = reader.groups_of(claims)
        articles = {a["id"]: a for a in reader.articles_meta(c["article"] for c in claims.values())}
        return total, [{"claim": claims[cid], "score": score, "group": (groups.get(cid) or (None, None))[0],
                        "status": (groups.get(cid) or (None, None))[1],
                        "article": articles.get(claims[cid]["article"], {})} for cid, score in hits if cid in claims]

    # ------------------------------------------------------------ web pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_stories(q: Optional[str] = Query(None, max_length=200), offset: int = OFFSET):
        total, items = reader.story_summaries(q, PAGE_SIZE, offset)
        return render("stories.html", stories=items, q=q or "", counts=reader.counts(),
                      totals={"claims": reader.claim_status_counts()}, pages=pages("home", total, offset, q=q))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_story(story_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        part = reader.story_part(story_id) or missing("story", story_id)
        view = LedgerView(part)
        return render("story.html", view=view, d=view.story_detail(story_id))

    @app.get("/claims/{claim_id}", include_in_schema=False)
    @work
    def page_claim(claim_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        c = reader.record("claims", claim_id) or missing("claim", claim_id)
        sid = reader.story_of([c["article"]]).get(c["article"])
        target = (f"/stories/{quote(sid, safe='')}#claim-{quote(claim_id, safe='')}" if sid
                  else f"/articles/{quote(c['article'], safe='')}")
        return RedirectResponse(target, status_code=303)

    @app.get("/claim-groups/{group_id}", include_in_schema=False)
    @work
    def page_group(group_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        g = reader.record("claim_groups", group_id) or missing("claim group", group_id)
        return RedirectResponse(f"/stories/{quote(g['story'], safe='')}#group-{quote(group_id, safe='')}",
                                status_code=303)

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_articles(offset: int = OFFSET):
        total, items = reader.articles_meta_page(PAGE_SIZE, offset)
        return render("articles.html", articles=items, pages=pages("articles", total, offset))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_article(article_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        part = reader.article_part(article_id) or missing("article", article_id)
        view = LedgerView(part)
        return render("article.html", view=view, d=view.article_detail(article_id))

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_entities(q: Optional[str] = Query(None, max_length=200), offset: int = OFFSET):
        total, items = reader.entities_page(q=q, limit=PAGE_SIZE, offset=offset, by_mentions=True)
        return render("entities.html", entities=items, q=q or "", pages=pages("entities", total, offset, q=q))

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_entity(entity_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        part = reader.entity_part(entity_id) or missing("entity", entity_id)
        view = LedgerView(part)
        return render("entity.html", view=view, d=view.entity_detail(entity_id))

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_timeline(offset: int = OFFSET):
        counts = reader.timeline_counts()
        view = LedgerView(reader.timeline_part(PAGE_SIZE, offset, max_claims=TIMELINE_CLAIMS))
        chart = view.timeline_chart(counts=counts)
        for b in chart["bars"]:        # a bar whose date is on another page links to that page
            if not offset <= b["index"] < offset + PAGE_SIZE:
                b["href"] = href("timeline", offset=(b["index"] // PAGE_SIZE) * PAGE_SIZE or None) + f"#t-{b['value']}"
        return render("timeline.html", view=view, chart=chart, rows=view.timeline_rows(),
                      pages=pages("timeline", len(counts), offset))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    @work
    def page_search(q: str = Query("", max_length=200), story: Optional[str] = Query(None, max_length=200),
                    offset: int = OFFSET):
        total, hits = _search(q, story, PAGE_SIZE, offset) if q.strip() else (0, [])
        results = []
        for h in hits:
            a = h["article"]
            results.append({"claim": h["claim"], "score": h["score"], "status": h["status"],
                            "outlet": a.get("outlet") or a.get("title") or a.get("path") or h["claim"]["article"],
                            "story": {"id": a["story"], "title": a["story_title"]} if a.get("story") else None})
        return render("search.html", q=q, story=reader.record("stories", story) if story else None,
                      results=results, pages=pages("search", total, offset, q=q, story=story))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str = Path(..., max_length=64)):
        # Only the files found in the package's static folder at start; no path is ever joined from input.
        body = statics.get(name)
        if body is None:
            missing("static file", name)
        return Response(body, media_type=STATIC_TYPES[pathlib.PurePath(name).suffix],
                        headers={"cache-control": "public, max-age=3600"})

    return RequestGuard(app, allowed_hosts=allowed_hosts)


def _article_meta(a):
    if a is None:
        return None
    return {k: a[k] for k in ("id", "path", "url", "outlet", "title", "authors", "published", "published_from",
                              "published_not_before")} | {"derived_from": a["derived_from"],
                                                         "characters": len(a["text"])}


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
