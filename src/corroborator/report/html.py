"""Render a ledger (contract dict) as a single self-contained HTML page with Jinja2 (autoescaped).

The report and the web pages (``corroborator serve``) share ``templates/_base.html``, ``templates/_macros.html``
and one stylesheet, so both look the same; the report inlines the stylesheet and links only within itself.
"""
from __future__ import annotations

import functools
import pathlib

import jinja2
import markupsafe

from .view import STATUS_HELP, STATUSES, LedgerView

TEMPLATES = pathlib.Path(__file__).parent / "templates"
STYLESHEET = pathlib.Path(__file__).parent.parent / "serve" / "static" / "style.css"


def environment(extra_dirs=()) -> jinja2.Environment:
    """A Jinja environment over the shared templates (plus ``extra_dirs`` first); autoescape always on."""
    return _environment(tuple(str(d) for d in extra_dirs))


@functools.lru_cache(maxsize=4)
def _environment(extra_dirs: tuple) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([*extra_dirs, str(TEMPLATES)]), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.globals.update(statuses=STATUSES, status_help=STATUS_HELP)
    return env


@functools.lru_cache(maxsize=1)
def stylesheet() -> markupsafe.Markup:
    """The shared stylesheet, marked safe to inline: it is our own file, never article data."""
    return markupsafe.Markup(STYLESHEET.read_text(encoding="utf-8"))


def _report_href(kind: str, ident: str | None = None) -> str:
    """Links inside the one-page report are fragment links."""
    if kind == "home":
        return "#top"
    if kind == "timeline":
        return "#timeline"
    return f"#{kind}-{ident}"


REPORT_MAX_ARTICLES = 2000    # a larger ledger is reported in part (its largest stories), the rest left to serve


def render_report(ledger: dict, partial: dict | None = None) -> str:
    """The whole report as one HTML string (no external resources, no scripts). ``partial``: the totals of
    the whole ledger when ``ledger`` is only part of it (``render_store_report``), shown with a note."""
    view = LedgerView(ledger)
    return environment().get_template("report.html").render(
        ledger=ledger, view=view, run=view.run, href=_report_href, inline_css=stylesheet(), partial=partial)


def render_store_report(store, max_articles: int = REPORT_MAX_ARTICLES) -> str:
    """The report of the ledger in ``store`` (a ``Store``). Up to ``max_articles`` articles it is the whole
    ledger; beyond, a page of every article would be hundreds of MB that no browser opens, and building it
    would hold the whole ledger in memory: the report then shows the largest stories, up to
    ``max_articles`` articles, says so, and points to ledger.json and ``corroborator serve`` for the rest."""
    stories = store.read_table("stories")
    total = sum(len(s["articles"]) for s in stories)
    if total <= max_articles:
        return render_report(store.read_ledger())
    keep, n = set(), 0
    for s in sorted(stories, key=lambda s: (-len(s["articles"]), s["title"] or "", s["id"])):
        if n + len(s["articles"]) <= max_articles:
            keep.add(s["id"])
            n += len(s["articles"])
    counts = store.table_counts()
    partial = {"stories": len(stories), "articles": total, "claims": counts["claims"],
               "claim_groups": counts["claim_groups"], "shown_stories": len(keep), "shown_articles": n}
    return render_report(store.read_stories(keep), partial=partial)
