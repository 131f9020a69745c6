"""The web pages, one group of routes per kind of page: stories, claim redirects, articles, entities, the
timeline, search, and the static files.

A list shows :data:`PAGE_SIZE` items with links to the pages before and after it; a record's page reads the
part of the ledger it shows and renders it with the report's :class:`~corroborator.report.view.LedgerView`.
``/claims/{id}`` and ``/claim-groups/{id}`` redirect (303) to their place in a story page. Every URL comes
from ``serve.urls``.
"""
from __future__ import annotations

import pathlib
from typing import Optional
from urllib.parse import quote

from fastapi import FastAPI, Path, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..report.view import LedgerView
from . import urls
from .site import HERE, OFFSET, Site, ledger_id, missing

STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
PAGE_SIZE = 50
TIMELINE_CLAIMS = 10     # claims shown under one date of the timeline page ("and N more"): 100 made 500 kB pages
PAGE = {"response_class": HTMLResponse, "include_in_schema": False}     # the route options of a page


def page_links(kind: str, total: int, offset: int, **params) -> dict:
    """Links to the previous and next page of a web list (``None`` at either end), and the items shown."""
    prev_ = urls.href(kind, **params, offset=max(offset - PAGE_SIZE, 0) or None) if offset > 0 else None
    next_ = urls.href(kind, **params, offset=offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None
    return {"prev": prev_, "next": next_, "first": offset + 1 if total else 0,
            "last": min(offset + PAGE_SIZE, total), "total": total}


def add_page_routes(app: FastAPI, site: Site) -> None:
    """Add the web pages over ``site`` to ``app``, in the order they are matched."""
    for add in (_stories, _claim_redirects, _articles, _entities, _timeline, _search, _static_files):
        add(app, site)


def _stories(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/", **PAGE)
    @site.work
    def page_stories(q: Optional[str] = Query(None, max_length=200), offset: int = OFFSET):
        total, items = reader.story_summaries(q, PAGE_SIZE, offset)
        return site.render("stories.html", stories=items, q=q or "", counts=reader.counts(),
                           totals={"claims": reader.claim_status_counts()},
                           pages=page_links("home", total, offset, q=q))

    @app.get("/stories/{story_id}", **PAGE)
    @site.work
    def page_story(story_id: str = ledger_id()):
        part = reader.story_part(story_id) or missing("story", story_id)
        view = LedgerView(part)
        return site.render("story.html", view=view, d=view.story_detail(story_id))


def _claim_redirects(app: FastAPI, site: Site) -> None:
    reader = site.reader

    # the ids come from the request's path, so the anchors are percent-encoded too
    @app.get("/claims/{claim_id}", include_in_schema=False)
    @site.work
    def page_claim(claim_id: str = ledger_id()):
        c = reader.record("claims", claim_id) or missing("claim", claim_id)
        sid = reader.story_of([c["article"]]).get(c["article"])
        target = urls.story(sid, f"claim-{quote(claim_id, safe='')}") if sid else urls.article(c["article"])
        return RedirectResponse(target, status_code=303)

    @app.get("/claim-groups/{group_id}", include_in_schema=False)
    @site.work
    def page_group(group_id: str = ledger_id()):
        g = reader.record("claim_groups", group_id) or missing("claim group", group_id)
        return RedirectResponse(urls.story(g["story"], f"group-{quote(group_id, safe='')}"), status_code=303)


def _articles(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/articles", **PAGE)
    @site.work
    def page_articles(offset: int = OFFSET):
        total, items = reader.articles_meta_page(PAGE_SIZE, offset)
        return site.render("articles.html", articles=items, pages=page_links("articles", total, offset))

    @app.get("/articles/{article_id}", **PAGE)
    @site.work
    def page_article(article_id: str = ledger_id()):
        part = reader.article_part(article_id) or missing("article", article_id)
        view = LedgerView(part)
        return site.render("article.html", view=view, d=view.article_detail(article_id))


def _entities(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/entities", **PAGE)
    @site.work
    def page_entities(q: Optional[str] = Query(None, max_length=200), offset: int = OFFSET):
        total, items = reader.entities_page(q=q, limit=PAGE_SIZE, offset=offset, by_mentions=True)
        return site.render("entities.html", entities=items, q=q or "",
                           pages=page_links("entities", total, offset, q=q))

    @app.get("/entities/{entity_id}", **PAGE)
    @site.work
    def page_entity(entity_id: str = ledger_id()):
        part = reader.entity_part(entity_id) or missing("entity", entity_id)
        view = LedgerView(part)
        return site.render("entity.html", view=view, d=view.entity_detail(entity_id))


def _timeline(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/timeline", **PAGE)
    @site.work
    def page_timeline(offset: int = OFFSET):
        counts = reader.timeline_counts()
        view = LedgerView(reader.timeline_part(PAGE_SIZE, offset, max_claims=TIMELINE_CLAIMS))
        chart = view.timeline_chart(counts=counts)
        for b in chart["bars"]:        # a bar whose date is on another page links to that page
            if not offset <= b["index"] < offset + PAGE_SIZE:
                b["href"] = urls.timeline(f"t-{b['value']}", offset=(b["index"] // PAGE_SIZE) * PAGE_SIZE or None)
        return site.render("timeline.html", view=view, chart=chart, rows=view.timeline_rows(),
                           pages=page_links("timeline", len(counts), offset))


def _search(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/search", **PAGE)
    @site.work
    def page_search(q: str = Query("", max_length=200), story: Optional[str] = Query(None, max_length=200),
                    offset: int = OFFSET):
        total, hits = site.search(q, story, PAGE_SIZE, offset) if q.strip() else (0, [])
        results = [_search_result(h) for h in hits]
        return site.render("search.html", q=q, story=reader.record("stories", story) if story else None,
                           results=results, pages=page_links("search", total, offset, q=q, story=story))


def _search_result(hit: dict) -> dict:
    """A search hit as the search page shows it: the claim, its status, outlet and story."""
    a = hit["article"]
    return {"claim": hit["claim"], "score": hit["score"], "status": hit["status"],
            "outlet": a.get("outlet") or a.get("title") or a.get("path") or hit["claim"]["article"],
            "story": {"id": a["story"], "title": a["story_title"]} if a.get("story") else None}


def _static_files(app: FastAPI, site: Site) -> None:
    # Only the files found in the package's static folder at start; no path is ever joined from input.
    statics = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.is_file() and p.suffix in STATIC_TYPES}

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str = Path(..., max_length=64)):
        body = statics.get(name)
        if body is None:
            missing("static file", name)
        return Response(body, media_type=STATIC_TYPES[pathlib.PurePath(name).suffix],
                        headers={"cache-control": "public, max-age=3600"})
