"""Status of each claim group: who reports the fact, on whose word, independently or not, in agreement or not.

* **Outlets**: ``article.outlet``, else the URL's host, else the article's path (one file, one outlet).
* **Independence**: articles linked by a derivation (one reuses the other's text) form one unit and count
  once; the unit's outlet is that of its earliest article. ``independent_outlets`` counts distinct unit
  outlets.
* **Sources**: a claim made by a speaker rests on that speaker (the global entity via ``entity_map``, else
  the anonymous ``speaker_key``, else the speaker's name); an outlet's own claim rests on its unit.
* **Status**: ``conflicting`` when two claims from different units disagree (see ``conflicts``); else
  ``single_source`` when one independent outlet reports it; else ``attributed_only`` when every claim rests
  on one and the same speaker; else ``corroborated``.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

from ..records import Conflict
from ..unionfind import find_root
from .conflicts import find_conflicts


def outlet_name(article) -> str:
    if article.outlet:
        return str(article.outlet).strip()
    if article.url:
        host = urlparse(article.url).netloc.lower()
        host = re.sub(r"^www\d?\.", "", host.split("@")[-1].split(":")[0])
        if host:
            return host
    return article.path or article.id


class Units:
    """Union-find over articles linked by derivations; an article in no derivation is a unit of its own.

    ``articles``: ``{article id: (date, outlet)}`` for (at least) every article of a derivation; the root of
    a unit is its earliest article (date, then id), and the unit's outlet is the root's."""

    def __init__(self, articles: dict, derivations):
        self.parent = {}
        self.articles = articles
        for d in derivations:
            if d.article in articles and d.source in articles:
                self.union(d.article, d.source)

    @classmethod
    def of_analyses(cls, analyses, derivations) -> "Units":
        return cls({a.article.id: unit_key(a.article) for a in analyses}, derivations)

    def find(self, x):
        return find_root(self.parent, x)

    def outlet(self, root) -> str:
        return self.articles[root][1]

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        # the root is the earliest article: its outlet is the unit's outlet
        if (self.articles[rb][0], rb) < (self.articles[ra][0], ra):
            ra, rb = rb, ra
        self.parent[rb] = ra


def unit_key(article) -> tuple:
    """(date, outlet) of an article, as ``Units`` orders and names units."""
    return (article.published or article.published_not_before or "9999"), outlet_name(article)


def source_key(claim, article_id, entity_map):
    """What a claim rests on: ``("speaker", id)`` for a speaker's claim, ``None`` for the outlet's own."""
    if claim.attribution in ("speaker", "anonymous", "document"):
        if claim.speaker_entity is not None:
            gid = entity_map.get((article_id, claim.speaker_entity))
            if gid is not None:
                return ("speaker", gid)
        if claim.speaker_key:
            return ("speaker", claim.speaker_key.lower())
        if claim.attribution == "anonymous":
            return ("speaker", f"anon:{article_id}:{claim.id}")
    return None


def assess_groups(groups, analyses, derivations, entity_map, units: Units | None = None) -> None:
    """Set ``status``, ``outlets``, ``independent_outlets`` and ``conflicts`` on every group, in place.

    ``units``: the corpus's ``Units`` when ``analyses`` are only part of it (one story); else they are made
    from ``derivations`` among ``analyses``."""
    art = {a.article.id: a for a in analyses}
    claim_of = {c.id: (a.article.id, c) for a in analyses for c in a.claims}
    outlet_of = {aid: outlet_name(a.article) for aid, a in art.items()}
    if units is None:
        units = Units.of_analyses(analyses, derivations)
    for g in groups:
        members = [claim_of[c] for c in g.claims if c in claim_of]
        g.outlets = sorted({outlet_of[aid] for aid, _ in members})
        unit_outlets = {units.find(aid): units.outlet(units.find(aid)) for aid, _ in members}
        g.independent_outlets = len(set(unit_outlets.values()))
        sources = set()
        for aid, c in members:
            k = source_key(c, aid, entity_map)
            sources.add(k if k is not None else ("outlet", units.outlet(units.find(aid))))
        g.conflicts = [Conflict(claims=tuple(x.claims), kind=x.kind, detail=x.detail)
                       for x in find_conflicts(members, art, outlet_of, units.find, entity_map)]
        if g.conflicts:
            g.status = "conflicting"
        elif g.independent_outlets <= 1:
            g.status = "single_source"
        elif len(sources) == 1 and next(iter(sources))[0] == "speaker":
            g.status = "attributed_only"
        else:
            g.status = "corroborated"
