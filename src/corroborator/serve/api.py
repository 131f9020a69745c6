"""The JSON API under ``/api``, one group of endpoints per kind of record.

Every list is paginated with ``limit`` (1-500) and ``offset`` (a :class:`Page`); errors are JSON
``{"error": {"status", "message"}}`` (``serve.error_handlers``). Every endpoint queries the store on a
worker thread (``@site.work``), so the event loop never blocks.
"""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..report.view import LedgerView
from .site import OFFSET, Site, ledger_id, missing

Status = Literal["corroborated", "attributed_only", "single_source", "conflicting"]
EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "OTHER"]
LIMIT = Query(50, ge=1, le=500, description="items per page (1-500)")


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
LIST = {"tags": ["api"], "response_model": Page, "responses": ERRORS}     # the route options of a list
ONE = {"tags": ["api"], "responses": ERRORS}                              # ... and of one record


def page_of(total, items, limit, offset) -> dict:
    """A :class:`Page` of ``items`` (already cut to ``limit`` from ``offset``) out of ``total``."""
    nxt = offset + limit if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, "next_offset": nxt, "items": items}


def article_meta(a):
    """An article's record without its text (and the text's length), or None."""
    if a is None:
        return None
    return {k: a[k] for k in ("id", "path", "url", "outlet", "title", "authors", "published", "published_from",
                              "published_not_before")} | {"derived_from": a["derived_from"],
                                                         "characters": len(a["text"])}


def add_api_routes(app: FastAPI, site: Site) -> None:
    """Add the API's endpoints over ``site`` to ``app``, in the order the OpenAPI document lists them."""
    for add in (_index, _stories, _claim_groups, _claims, _articles, _entities, _quotes, _timeline, _search):
        add(app, site)


def _index(app: FastAPI, site: Site) -> None:
    reader, run_record = site.reader, site.run_record

    @app.get("/api", tags=["api"], summary="What the ledger holds", responses=ERRORS)
    @site.work
    def api_index():
        return JSONResponse({"version": run_record.get("version"), "finished": run_record.get("finished"),
                             "counts": reader.counts(), "claim_groups_by_status": reader.group_status_counts()})


def _stories(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/stories", **LIST, summary="Stories with their counts of claims and claim groups by status")
    @site.work
    def api_stories(q: Optional[str] = Query(None, max_length=200, description="words in the title"),
                    limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.story_summaries(q, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/stories/{story_id}", **ONE,
                summary="One story: its articles and claim groups (with member claims and conflicts)")
    @site.work
    def api_story(story_id: str = ledger_id()):
        part = reader.story_part(story_id) or missing("story", story_id)
        view = LedgerView(part)
        groups = [{**g, "members": [view.claims[c] for c in g["claims"] if c in view.claims]}
                  for g in view.groups_by_story.get(story_id, [])]
        articles = [article_meta(view.articles[a]) for a in view.stories[story_id]["articles"] if a in view.articles]
        return JSONResponse({"story": view.stories[story_id], "summary": view.story_summaries[story_id],
                             "articles": articles, "claim_groups": groups})


def _claim_groups(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/claim-groups", **LIST, summary="Claim groups")
    @site.work
    def api_groups(story: Optional[str] = Query(None, max_length=200), status: Optional[Status] = None,
                   limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.claim_groups_page(story, status, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/claim-groups/{group_id}", **ONE, summary="One claim group")
    @site.work
    def api_group(group_id: str = ledger_id()):
        g = reader.record("claim_groups", group_id) or missing("claim group", group_id)
        members = reader.claims(g["claims"])
        return JSONResponse({**g, "members": [members[c] for c in g["claims"] if c in members]})


def _claims(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/claims", **LIST, summary="Claims")
    @site.work
    def api_claims(article: Optional[str] = Query(None, max_length=200), status: Optional[Status] = None,
                   limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.claims_page(article, status, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/claims/{claim_id}", **ONE, summary="One claim, with its group")
    @site.work
    def api_claim(claim_id: str = ledger_id()):
        c = reader.record("claims", claim_id) or missing("claim", claim_id)
        grp = reader.groups_of([claim_id]).get(claim_id)
        return JSONResponse({"claim": c, "claim_group": grp and reader.record("claim_groups", grp[0]),
                             "article": article_meta(reader.record("articles", c["article"]))})


def _articles(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/articles", **LIST, summary="Articles (metadata only; the text is in /api/articles/{id})")
    @site.work
    def api_articles(outlet: Optional[str] = Query(None, max_length=200), limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.articles_page(outlet, limit, offset)
        return JSONResponse(page_of(total, [article_meta(a) for a in items], limit, offset))

    @app.get("/api/articles/{article_id}", **ONE,
                summary="One article: the whole ledger record (text, captions, removed items, source map)")
    @site.work
    def api_article(article_id: str = ledger_id()):
        return JSONResponse(reader.record("articles", article_id) or missing("article", article_id))


def _entities(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/entities", **LIST, summary="Entities (mentions counted; listed in /api/entities/{id})")
    @site.work
    def api_entities(type: Optional[EntityType] = None, q: Optional[str] = Query(None, max_length=200),
                     limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.entities_page(type, q, limit, offset)
        items = [{k: v for k, v in e.items() if k != "mentions"} | {"mention_count": len(e["mentions"])}
                 for e in items]
        return JSONResponse(page_of(total, items, limit, offset))

    @app.get("/api/entities/{entity_id}", **ONE,
                summary="One entity: aliases, mentions, the quotes it speaks and the claims attributed to it")
    @site.work
    def api_entity(entity_id: str = ledger_id()):
        part = reader.entity_part(entity_id) or missing("entity", entity_id)
        return JSONResponse({"entity": part["entities"][0], "quotes": part["quotes"], "claims": part["claims"]})


def _quotes(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/quotes", **LIST, summary="Quotes")
    @site.work
    def api_quotes(article: Optional[str] = Query(None, max_length=200),
                   speaker: Optional[str] = Query(None, max_length=200, description="an entity id"),
                   limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.quotes_page(article, speaker, limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))


def _timeline(app: FastAPI, site: Site) -> None:
    reader = site.reader

    @app.get("/api/timeline", **LIST, summary="Dated claims, by date (YYYY, YYYY-MM or YYYY-MM-DD), oldest first")
    @site.work
    def api_timeline(limit: int = LIMIT, offset: int = OFFSET):
        total, items = reader.timeline_page(limit, offset)
        return JSONResponse(page_of(total, items, limit, offset))


def _search(app: FastAPI, site: Site) -> None:
    @app.get("/api/search", **LIST, summary="Full-text search over claims (BM25; every word must match)")
    @site.work
    def api_search(q: str = Query(..., min_length=1, max_length=200, description="words to find"),
                   story: Optional[str] = Query(None, max_length=200), limit: int = LIMIT, offset: int = OFFSET):
        total, hits = site.search(q, story, limit, offset)
        items = [{"claim": h["claim"], "score": round(h["score"], 4), "status": h["status"],
                  "claim_group": h["group"], "story": h["article"].get("story")} for h in hits]
        return JSONResponse(page_of(total, items, limit, offset))
