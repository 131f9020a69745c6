"""Disputes: two different speakers who contradict each other on one point, wherever they are reported.

A dispute is a pair of claims of one story, each resting on a named speaker's word, the two speakers
different, that are about one point (their same-fact score is at least ``MIN_SCORE``: close, not
necessarily the same fact, since a denial is worded against the claim it denies) and that oppose each other:
one is negated or a denial and the other is not, or one calls the other's point false ("a hoax", "not true",
"nonsense"). A dispute never makes a claim group "conflicting": the outlets report both sides faithfully.
"""
from __future__ import annotations

import re

from .. import config
from ..records import Dispute
from .status import source_key

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("assess.disputes")
MIN_SCORE = _C["min_score"]

_REBUTTAL = re.compile(
    r"\b(?:hoax|fabricat\w*|nonsense|false(?:hood)?s?|untrue|not true|lie[sd]?|lying|baseless|bogus|ridiculous|"
    r"absurd|inaccurate|misleading|wrong|deni(?:ed|es)|deny(?:ing)?|reject(?:ed|s)?|dismiss(?:ed|es)?|"
    r"refut\w+|disput\w+|no evidence|not a single thing)\b", re.I)


def _opposed(ca, cb) -> bool:
    na, nb = ca.modality == "negated", cb.modality == "negated"
    if na != nb:
        return True
    ra, rb = bool(_REBUTTAL.search(ca.text)), bool(_REBUTTAL.search(cb.text))
    return ra != rb


def _speaker_name(an, claim) -> str:
    q = next((q for q in an.quotes if q.id == claim.quote), None)
    if q is not None:
        for name in (q.speaker_text, q.speaker_description):
            if name:
                return " ".join(name.split())
    ent = next((e for e in an.entities if e.local_id == claim.speaker_entity), None)
    return ent.name if ent is not None else "a speaker"


def _quote(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= n else text[:n - 1].rstrip() + "\u2026") + "\u201d"


def find_disputes(analyses, entity_map, scores: dict) -> list:
    """``Dispute`` records among the scored claim pairs ``scores`` ((claim id, claim id) -> same-fact score)."""
    where = {c.id: (a, c) for a in analyses for c in a.claims}
    out = []
    for (x, y), p in sorted(scores.items()):
        if p < MIN_SCORE or x not in where or y not in where:
            continue
        (aa, ca), (ab, cb) = where[x], where[y]
        if ca.attribution != "speaker" or cb.attribution != "speaker" or None in (ca.speaker_entity,
                                                                                   cb.speaker_entity):
            continue
        ka, kb = source_key(ca, aa.article.id, entity_map), source_key(cb, ab.article.id, entity_map)
        if ka is None or kb is None or ka == kb or not _opposed(ca, cb):
            continue
        sa, sb = _speaker_name(aa, ca), _speaker_name(ab, cb)
        if sa.lower() == sb.lower():
            continue
        spk = tuple(entity_map.get((a.article.id, c.speaker_entity)) if c.speaker_entity is not None else None
                    for a, c in ((aa, ca), (ab, cb)))
        out.append(Dispute(claims=(x, y), speakers=spk,
                           detail=f"{sa}: {_quote(ca.text)}; {sb}: {_quote(cb.text)}"))
    return out
