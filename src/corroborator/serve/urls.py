"""Every URL the web pages and redirects link to, built here and nowhere else (after datasette's url_builder).

One function per kind of URL: the lists (``home``, ``articles``, ``entities``, ``timeline``, ``search``) take
their query parameters, a record's page (``story``, ``article``, ``entity``) takes its id, and ``claim`` /
``claim_group`` go through the redirects that find a claim's place in its story. Ids are percent-encoded as
one path segment. :func:`href` is what templates call: ``href(kind, id, **params)``.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

LISTS = ("timeline", "search", "articles", "entities")


def _query(params: dict) -> str:
    """``?k=v&...`` of the parameters with a value. Parameters given but all empty still give a bare ``?``
    (a page's "previous" link back to the first page reads ``/?``): links keep the form they always had."""
    if not params:
        return ""
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _segment(ident) -> str:
    return quote(str(ident), safe="")


def _anchored(path: str, anchor: str | None) -> str:
    return f"{path}#{anchor}" if anchor else path


# ---------------------------------------------------------------- lists
def home(**params) -> str:
    """The list of stories (``q``, ``offset``)."""
    return "/" + _query(params)


def listing(kind: str, anchor: str | None = None, **params) -> str:
    """A list page other than home: ``kind`` is one of :data:`LISTS`."""
    return _anchored(f"/{kind}{_query(params)}", anchor)


def articles(**params) -> str:
    return listing("articles", **params)


def entities(**params) -> str:
    return listing("entities", **params)


def timeline(anchor: str | None = None, **params) -> str:
    """The timeline page (``offset``), at the date ``anchor`` (``t-<date>``) when given."""
    return listing("timeline", anchor, **params)


def search(**params) -> str:
    return listing("search", **params)


# ---------------------------------------------------------------- records
def story(story_id, anchor: str | None = None) -> str:
    """A story's page, at ``anchor`` (``claim-<id>``, ``group-<id>``) when given; the anchor is used as is."""
    return _anchored(f"/stories/{_segment(story_id)}", anchor)


def article(article_id) -> str:
    return f"/articles/{_segment(article_id)}"


def entity(entity_id) -> str:
    return f"/entities/{_segment(entity_id)}"


def claim(claim_id) -> str:
    """The redirect to a claim's place (its story, or its article when it has no story)."""
    return f"/claims/{_segment(claim_id)}"


def claim_group(group_id) -> str:
    """The redirect to a claim group's place in its story."""
    return f"/claim-groups/{_segment(group_id)}"


RECORDS = {"story": story, "article": article, "entity": entity}


# ---------------------------------------------------------------- links from a page
def claim_link(claim_id, view=None) -> str:
    """A claim of the page's own part (``view``) links to its place; any other goes through :func:`claim`."""
    c = view.claims.get(claim_id) if view is not None else None
    sid = c and view.story_of_article.get(c["article"])
    if sid:
        return story(sid, f"claim-{claim_id}")
    return claim(claim_id)


def group_link(group_id, view=None) -> str:
    """A claim group of the page's own part links to its place; any other goes through :func:`claim_group`."""
    g = view.groups.get(group_id) if view is not None else None
    if g:
        return story(g["story"], f"group-{group_id}")
    return claim_group(group_id)


def href(kind: str, ident=None, _view=None, **params) -> str:
    """The URL templates ask for: ``kind`` is ``home``, a list of :data:`LISTS` (with its ``params``), or a
    record (``story``, ``article``, ``entity``, ``claim``, ``group``) with its id; ``_view`` is the page's
    :class:`~corroborator.report.view.LedgerView`, whose claims and groups link within their story."""
    if kind == "home":
        return home(**params)
    if kind in LISTS:
        return listing(kind, **params)
    if kind == "claim":
        return claim_link(ident, _view)
    if kind == "group":
        return group_link(ident, _view)
    return RECORDS[kind](ident)
