"""Render a ledger (contract dict) as a single self-contained HTML page with Jinja2 (autoescaped)."""
from __future__ import annotations

import functools
import pathlib

import jinja2

TEMPLATES = pathlib.Path(__file__).parent / "templates"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja environment shared by the report and the web pages (autoescape always on)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def report_context(ledger: dict) -> dict:
    """Index a ledger for display: per story, its claim groups with each member claim's sentence and outlet."""
    articles = {a["id"]: a for a in ledger["articles"]}
    claims = {c["id"]: c for c in ledger["claims"]}
    groups_by_story = {}
    for g in ledger["claim_groups"]:
        groups_by_story.setdefault(g["story"], []).append(g)
    order = {"conflicting": 0, "corroborated": 1, "attributed_only": 2, "single_source": 3}
    stories = []
    for s in ledger["stories"]:
        groups = sorted(groups_by_story.get(s["id"], []),
                        key=lambda g: (order.get(g["status"], 9), -len(g["claims"]), g["id"]))
        counts = {}
        for g in groups:
            counts[g["status"]] = counts.get(g["status"], 0) + 1
        stories.append({"story": s, "groups": groups, "counts": counts,
                        "articles": [articles[a] for a in s["articles"] if a in articles]})
    return {"ledger": ledger, "stories": stories, "articles": articles, "claims": claims}


def render_report(ledger: dict) -> str:
    """The whole report as one HTML string."""
    return environment().get_template("report.html").render(**report_context(ledger))
