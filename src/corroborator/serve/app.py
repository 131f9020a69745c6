"""The web pages and JSON API of ``corroborator serve`` (FastAPI), over a ledger store opened read-only.

At start the ledger is read once from the store (a snapshot: restart to see a newer run) and indexed for
display (:class:`~corroborator.report.view.LedgerView`) and for full-text search over claims
(:class:`~corroborator.store.search.ClaimIndex`). Pages use the report's templates; all article text is
autoescaped. JSON endpoints that only read memory are ``async`` (no thread hop); search and pages run in
the thread pool (DuckDB releases the GIL; rendering a large story takes tens of milliseconds). JSON lives under ``/api`` (OpenAPI at ``/openapi.json``; no docs UI, as it would load scripts from a CDN); every list is
paginated with ``limit`` (1-500) and ``offset``; errors are JSON ``{"error": {"status", "message"}}``.
"""
from __future__ import annotations

import pathlib
from typing import Literal, Optional
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..report.html import environment
from ..report.view import STATUSES, LedgerView
from ..store import Store
from .guard import RequestGuard
from ..store.search import ClaimIndex

HERE = pathlib.Path(__file__).parent
STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

Status = Literal["corroborated", "attributed_only", "single_source", "conflicting"]
EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "OTHER"]
LIMIT = Query(50, ge=1, le=500, description="items per page (1-500)")
OFFSET = Query(0, ge=0, le=10_000_000, description="items to skip")
PAGE_SIZE = 50
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


ERRORS = {400: {"model": Error}, 404: {"model": Error}, 422: {"model": Error}}


def _page(items, limit, offset) -> dict:
    total = len(items)
    nxt = offset + limit if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, "next_offset": nxt, "items": items[offset:offset + limit]}


def load_ledger(ledger_path) -> dict:
    """The ledger stored at ``ledger_path`` (raises ``LedgerError`` when missing or not a ledger store)."""
    with Store(ledger_path, read_only=True) as store:
        return store.read_ledger()


def create_app(ledger_path=None, ledger: dict | None = None, allowed_hosts=None):
    """The ASGI app over a store (``ledger_path``) or an already loaded ``ledger`` dict.

    ``allowed_hosts`` (e.g. the loopback names) makes the app refuse other Host headers.
    """
    data = ledger if ledger is not None else load_ledger(ledger_path)
    view = LedgerView(data)
    index = ClaimIndex((c["id"], c["text"]) for c in data["claims"])
    env = environment([HERE / "templates"])
    statics = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.is_file() and p.suffix in STATIC_TYPES}
    story_claims = {sid: {cid for g in gs for cid in g["claims"]} for sid, gs in view.groups_by_story.items()}

    app = FastAPI(title="corroborator", version=str(view.run.get("version", "")),
                  description="Read-only JSON API over a corroborator ledger: stories, claim groups, claims, "
                              "articles, entities, quotes, timeline and full-text search over claims.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")

    # ------------------------------------------------------------ links and rendering
    def href(kind: str, ident: str | None = None, **params) -> str:
        q = ("?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})) if params else ""
        if kind == "home":
            return "/" + q
        if kind in ("timeline", "search", "articles", "entities"):
            return f"/{kind}{q}"
        if kind == "claim":
            c = view.claims.get(ident)
            sid = c and view.story_of_article.get(c["article"])
            if sid:
                return f"/stories/{quote(sid, safe='')}#claim-{ident}"
            return f"/articles/{quote(c['article'], safe='')}" if c else "/"
        if kind == "group":
            g = view.groups.get(ident)
            return f"/stories/{quote(g['story'], safe='')}#group-{ident}" if g else "/"
        return f"/{PLURAL[kind]}/{quote(str(ident), safe='')}"

    def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
        html = env.get_template(name).render(href=href, run=view.run, view=view, inline_css=None, **ctx)
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

    def missing(kind: str, ident: str):
        raise HTTPException(404, f"no {kind} with id {ident!r}")

    # ------------------------------------------------------------ JSON API
    @app.get("/api", tags=["api"], summary="What the ledger holds", responses=ERRORS)
    async def api_index():
        return JSONResponse({"version": view.run.get("version"), "finished": view.run.get("finished"),
                             "counts": {t: len(data[t]) for t in ("articles", "entities", "quotes", "claims",
                                                                  "stories", "claim_groups", "timeline")},
                             "claim_groups_by_status": {s: sum(1 for g in data["claim_groups"] if g["status"] == s)
                                                        for s in STATUSES}})

    @app.get("/api/stories", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Stories with their counts of claims and claim groups by status")
    async def api_stories(q: Optional[str] = Query(None, max_length=200, description="words in the title"),
                    limit: int = LIMIT, offset: int = OFFSET):
        items = view.story_list
        if q:
            words = q.lower().split()
            items = [s for s in items if all(w in s["title"].lower() for w in words)]
        return JSONResponse(_page(items, limit, offset))

    @app.get("/api/stories/{story_id}", tags=["api"], responses=ERRORS,
             summary="One story: its articles and claim groups (with member claims and conflicts)")
    async def api_story(story_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        s = view.stories.get(story_id) or missing("story", story_id)
        groups = []
        for g in view.groups_by_story.get(story_id, []):
            groups.append({**g, "members": [view.claims[c] for c in g["claims"] if c in view.claims]})
        articles = [_article_meta(view.articles[a]) for a in s["articles"] if a in view.articles]
        return JSONResponse({"story": s, "summary": view.story_summaries[story_id], "articles": articles,
                             "claim_groups": groups})

    @app.get("/api/claim-groups", tags=["api"], response_model=Page, responses=ERRORS, summary="Claim groups")
    async def api_groups(story: Optional[str] = Query(None, max_length=200), status: Optional[Status] = None,
                   limit: int = LIMIT, offset: int = OFFSET):
        items = view.groups_by_story.get(story, []) if story else data["claim_groups"]
        if status:
            items = [g for g in items if g["status"] == status]
        return JSONResponse(_page(items, limit, offset))

    @app.get("/api/claim-groups/{group_id}", tags=["api"], responses=ERRORS, summary="One claim group")
    async def api_group(group_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        g = view.groups.get(group_id) or missing("claim group", group_id)
        return JSONResponse({**g, "members": [view.claims[c] for c in g["claims"] if c in view.claims]})

    @app.get("/api/claims", tags=["api"], response_model=Page, responses=ERRORS, summary="Claims")
    async def api_claims(article: Optional[str] = Query(None, max_length=200), status: Optional[Status] = None,
                   limit: int = LIMIT, offset: int = OFFSET):
        items = view.claims_by_article.get(article, []) if article else data["claims"]
        if status:
            items = [c for c in items if view.status_of_claim(c["id"]) == status]
        return JSONResponse(_page(items, limit, offset))

    @app.get("/api/claims/{claim_id}", tags=["api"], responses=ERRORS, summary="One claim, with its group")
    async def api_claim(claim_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        c = view.claims.get(claim_id) or missing("claim", claim_id)
        g = view.group_of_claim.get(claim_id)
        return JSONResponse({"claim": c, "claim_group": g, "article": _article_meta(view.articles.get(c["article"]))})

    @app.get("/api/articles", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Articles (metadata only; the text is in /api/articles/{id})")
    async def api_articles(outlet: Optional[str] = Query(None, max_length=200), limit: int = LIMIT, offset: int = OFFSET):
        items = data["articles"]
        if outlet:
            items = [a for a in items if a["outlet"] == outlet]
        page = _page(items, limit, offset)
        page["items"] = [_article_meta(a) for a in page["items"]]
        return JSONResponse(page)

    @app.get("/api/articles/{article_id}", tags=["api"], responses=ERRORS,
             summary="One article: the whole ledger record (text, captions, removed items, source map)")
    async def api_article(article_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        a = view.articles.get(article_id) or missing("article", article_id)
        return JSONResponse(a)

    @app.get("/api/entities", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Entities (mentions counted; listed in /api/entities/{id})")
    async def api_entities(type: Optional[EntityType] = None, q: Optional[str] = Query(None, max_length=200),
                     limit: int = LIMIT, offset: int = OFFSET):
        items = data["entities"]
        if type:
            items = [e for e in items if e["type"] == type]
        if q:
            ql = q.lower()
            items = [e for e in items if ql in e["name"].lower() or any(ql in a.lower() for a in e["aliases"])]
        page = _page(items, limit, offset)
        page["items"] = [{k: v for k, v in e.items() if k != "mentions"} | {"mention_count": len(e["mentions"])}
                         for e in page["items"]]
        return JSONResponse(page)

    @app.get("/api/entities/{entity_id}", tags=["api"], responses=ERRORS,
             summary="One entity: aliases, mentions, the quotes it speaks and the claims attributed to it")
    async def api_entity(entity_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        e = view.entities.get(entity_id) or missing("entity", entity_id)
        return JSONResponse({"entity": e, "quotes": view.quotes_by_speaker.get(entity_id, []),
                             "claims": view.claims_by_speaker.get(entity_id, [])})

    @app.get("/api/quotes", tags=["api"], response_model=Page, responses=ERRORS, summary="Quotes")
    async def api_quotes(article: Optional[str] = Query(None, max_length=200),
                   speaker: Optional[str] = Query(None, max_length=200, description="an entity id"),
                   limit: int = LIMIT, offset: int = OFFSET):
        items = data["quotes"]
        if article:
            items = view.quotes_by_article.get(article, [])
        if speaker:
            items = [q for q in items if q["speaker"].get("entity") == speaker]
        return JSONResponse(_page(items, limit, offset))

    @app.get("/api/timeline", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Dated claims, by date (YYYY, YYYY-MM or YYYY-MM-DD), oldest first")
    async def api_timeline(limit: int = LIMIT, offset: int = OFFSET):
        return JSONResponse(_page(data["timeline"], limit, offset))

    @app.get("/api/search", tags=["api"], response_model=Page, responses=ERRORS,
             summary="Full-text search over claims (BM25; every word must match)")
    def api_search(q: str = Query(..., min_length=1, max_length=200, description="words to find"),
                   story: Optional[str] = Query(None, max_length=200), limit: int = LIMIT, offset: int = OFFSET):
        total, hits = _search(q, story, limit, offset)
        items = [{"claim": view.claims[cid], "score": round(score, 4), "status": view.status_of_claim(cid),
                  "claim_group": (view.group_of_claim.get(cid) or {}).get("id"),
                  "story": view.story_of_article.get(view.claims[cid]["article"])} for cid, score in hits]
        nxt = offset + limit if offset + limit < total else None
        return JSONResponse({"total": total, "limit": limit, "offset": offset, "next_offset": nxt, "items": items})

    def _search(q, story, limit, offset):
        if story and story not in view.stories:
            missing("story", story)
        return index.search(q, limit=limit, offset=offset, allowed=story_claims.get(story, set()) if story else None)

    # ------------------------------------------------------------ web pages
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_stories(q: Optional[str] = Query(None, max_length=200), offset: int = OFFSET):
        items = view.story_list
        if q:
            words = q.lower().split()
            items = [s for s in items if all(w in s["title"].lower() for w in words)]
        totals = {"claims": {k: 0 for k in STATUSES}}
        for s in view.story_list:
            for k, v in s["claim_counts"].items():
                totals["claims"][k] += v
        return render("stories.html", stories=items[offset:offset + PAGE_SIZE], q=q or "", totals=totals,
                      pages=pages("home", len(items), offset, q=q))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_story(story_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        d = view.story_detail(story_id) or missing("story", story_id)
        return render("story.html", d=d)

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def page_articles(offset: int = OFFSET):
        items = data["articles"]
        return render("articles.html", articles=items[offset:offset + PAGE_SIZE],
                      pages=pages("articles", len(items), offset))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_article(article_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        d = view.article_detail(article_id) or missing("article", article_id)
        return render("article.html", d=d)

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def page_entities(q: Optional[str] = Query(None, max_length=200), offset: int = OFFSET):
        items = sorted(data["entities"], key=lambda e: (-len(e["mentions"]), e["name"]))
        if q:
            ql = q.lower()
            items = [e for e in items if ql in e["name"].lower() or any(ql in a.lower() for a in e["aliases"])]
        return render("entities.html", entities=items[offset:offset + PAGE_SIZE], q=q or "",
                      pages=pages("entities", len(items), offset, q=q))

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_entity(entity_id: str = Path(..., min_length=1, max_length=200, description="a ledger id")):
        d = view.entity_detail(entity_id) or missing("entity", entity_id)
        return render("entity.html", d=d)

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def page_timeline():
        return render("timeline.html", chart=view.timeline_chart(), rows=view.timeline_rows())

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def page_search(q: str = Query("", max_length=200), story: Optional[str] = Query(None, max_length=200),
                    offset: int = OFFSET):
        total, hits = _search(q, story, PAGE_SIZE, offset) if q.strip() else (0, [])
        results = []
        for cid, score in hits:
            c = view.claims[cid]
            results.append({"claim": c, "score": score, "status": view.status_of_claim(cid),
                            "outlet": view.outlet(c["article"]),
                            "story": view.stories.get(view.story_of_article.get(c["article"], ""))})
        return render("search.html", q=q, story=view.stories.get(story or ""), results=results,
                      pages=pages("search", total, offset, q=q, story=story))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str = Path(..., max_length=64)):
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


def run(ledger_path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the ledger at ``ledger_path`` until interrupted (read-only; loopback by default)."""
    import uvicorn
    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(ledger_path, allowed_hosts=LOOPBACK_HOSTS if loopback else None)
    print(f"corroborator: serving {ledger_path} at http://{host if ':' not in host else f'[{host}]'}:{port}/ "
          "(Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, access_log=False,
                timeout_keep_alive=5, limit_concurrency=256, h11_max_incomplete_event_size=16 * 1024)
