"""Status of each claim group: who reports the fact, on whose word, independently or not, in agreement or not.

* **Outlets**: ``article.outlet``, else the URL's host; else the source is unknown (shown as "unknown source",
  never as a file path), and such an article counts as a source of its own unless text reuse links it.
* **Independence**: articles linked by a derivation (one reuses the other's text) form one unit and count
  once; the unit's outlet is that of its earliest article. ``independent_outlets`` counts distinct unit
  outlets.
* **Sources**: a claim made by a speaker rests on that speaker (the global entity via ``entity_map``, else
  the anonymous ``speaker_key``, else the speaker's name); an outlet's own claim rests on its unit.
* **Status**, by voices: ``conflicting`` when two claims from different units disagree (see ``conflicts``);
  else ``single_source`` when one independent outlet reports it; else ``corroborated`` when two independent
  outlets state it in their own voice; else ``attributed_only`` (it rests on speakers' words).
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

from .. import config
from ..records import Conflict
from ..unionfind import find_root
from .conflicts import find_conflicts

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("assess.status")
OUTLET_VOICES = _C["outlet_voices"]   # the outlet states it (in its own words, or from a document it cites)

UNKNOWN = "unknown source"
_UNKNOWN_PREFIX = "unknown:"


def outlet_name(article):
    """The article's outlet: its metadata, else the URL's host; ``None`` when unknown (a file path is never an
    outlet)."""
    if article.outlet and str(article.outlet).strip():
        return str(article.outlet).strip()
    if article.url:
        host = urlparse(article.url).netloc.lower()
        host = re.sub(r"^www\d?\.", "", host.split("@")[-1].split(":")[0])
        if host:
            return host
    return None


def display_outlet(key: str) -> str:
    """How a unit's outlet key is shown: its name, or "unknown source"."""
    return UNKNOWN if key.startswith(_UNKNOWN_PREFIX) else key


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
    return ((article.published or article.published_not_before or "9999"),
            outlet_name(article) or _UNKNOWN_PREFIX + article.id)


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
    outlet_of = {aid: display_outlet(unit_key(a.article)[1]) for aid, a in art.items()}
    if units is None:
        units = Units.of_analyses(analyses, derivations)
    for g in groups:
        members = [claim_of[c] for c in g.claims if c in claim_of]
        g.outlets = sorted({outlet_of[aid] for aid, _ in members})
        unit_outlets = {units.find(aid): units.outlet(units.find(aid)) for aid, _ in members}
        g.independent_outlets = len(set(unit_outlets.values()))
        g.sources = "unknown" if any(v.startswith(_UNKNOWN_PREFIX) for v in unit_outlets.values()) else "known"
        confident = {frozenset(x["claims"]) for x in g.links}
        g.conflicts = [Conflict(claims=tuple(x.claims), kind=x.kind, detail=x.detail)
                       for x in find_conflicts(members, art, outlet_of, units.find, entity_map, confident)]
        g.status = _status(g, members, units, entity_map)


def _status(g, members, units, entity_map) -> str:
    """By voices: ``corroborated`` needs two independent outlets that state the fact in their own voice; a
    fact that rests on speakers' words in all but one outlet is ``attributed_only`` (two speakers saying
    alike are two facts, and one speaker's words quoted twice are one voice)."""
    if g.conflicts:
        return "conflicting"
    if g.independent_outlets <= 1:
        return "single_source"
    own = {units.outlet(units.find(aid)) for aid, c in members
           if c.attribution in OUTLET_VOICES and source_key(c, aid, entity_map) is None}
    return "corroborated" if len(own) >= 2 else "attributed_only"
