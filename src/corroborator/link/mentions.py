"""Names one article of a story tags, found again where the tagger missed them in the story's other articles.

The small tagger misses names it finds elsewhere: a product in one report ("Internet Explorer") is a name in
another, a person in a headline or in a tokenised line goes untagged. Within a story, every name of two words
or more that some article tags as a person, organisation, place or event is looked for, as written (case
and spacing kept), in every article of the story; a match that no mention of that article covers and that
is a name of its own (``variant_stands_alone``: not inside a longer capitalised name) becomes a mention: of
the article's own entity of that name when it has one, else of a new local entity of the name's type.

A name two articles tag as two different kinds is looked for as neither. The analyses are extended in place
(their stored copies are not touched: the link stage runs this again on every run).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict

from ..extract.entities_mentions import variant_stands_alone
from ..extract.entities_names import STOP, fold
from ..records import LocalEntity

_TYPES = {"PERSON", "ORG", "GPE", "LOC", "EVENT"}
_MIN_CHARS = 5
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _spreadable(name: str) -> bool:
    """Two words or more, every word but a function word capitalised ("Internet Explorer", "U . S . Marshals
    Service", "Bank of America"): a name, not a phrase the tagger took for one."""
    words = _WORD.findall(name)
    if len(words) < 2 or len(name) < _MIN_CHARS or "\n" in name:
        return False
    return all(w[0].isupper() for w in words if fold(w) not in STOP)


def story_names(analyses) -> dict:
    """The names worth looking for in a story's articles: ``{name as written: entity type}``."""
    kinds = defaultdict(set)
    for an in analyses:
        for e in an.entities:
            if e.type in _TYPES and e.mentions:
                for name in {e.name, *e.aliases}:
                    if _spreadable(name):
                        kinds[name].add(e.type)
    return {n: next(iter(ts)) for n, ts in kinds.items() if len(ts) == 1}


def _pattern(names) -> re.Pattern | None:
    if not names:
        return None
    alts = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(r"(?<![\w.])(?:" + alts + r")(?![\w])")


class _Covered:
    """The spans an article's mentions cover, for overlap tests."""

    def __init__(self, entities):
        self.spans = sorted((s, e) for ent in entities for s, e in ent.mentions)
        self.starts = [s for s, _ in self.spans]

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect_right(self.starts, e - 1)        # the spans that start before ``e``
        return any(s < me for _ms, me in self.spans[:k])

    def add(self, s: int, e: int) -> None:
        k = bisect_right(self.starts, s)
        self.starts.insert(k, s)
        self.spans.insert(k, (s, e))


def _owner(an, name: str):
    key = fold(name)
    return next((e for e in an.entities if fold(e.name) == key or any(fold(a) == key for a in e.aliases)), None)


def spread_names(analyses) -> int:
    """Add the story's names (``story_names``) where an article's text has them untagged; returns how many
    mentions were added."""
    names = story_names(analyses)
    pat = _pattern(names)
    if pat is None:
        return 0
    added = 0
    for an in analyses:
        text = an.article.text or ""
        covered = _Covered(an.entities)
        for m in pat.finditer(text):
            s, e = m.span()
            if covered.overlaps(s, e) or not variant_stands_alone(text, s, e):
                continue
            name = m.group(0)
            ent = _owner(an, name)
            if ent is None:
                ent = LocalEntity(local_id=max((x.local_id for x in an.entities), default=-1) + 1, name=name,
                                  type=names[name], aliases=[name], mentions=[])
                an.entities.append(ent)
            ent.mentions.append((s, e))
            ent.mentions.sort()
            covered.add(s, e)
            added += 1
    return added
