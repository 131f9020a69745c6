"""First version: every body sentence with a verb is a claim of the outlet."""
from __future__ import annotations

from ..ids import make_id
from ..records import Claim


def find_claims(article, ann, entities, quotes) -> list:
    claims = []
    for si, (s, e) in enumerate(ann.sentences):
        ts, te = ann.sent_tokens[si]
        if not any(t.pos in ("VERB", "AUX") for t in ann.tokens[ts:te]):
            continue
        ents = [x.local_id for x in entities if any(s <= ms < e for ms, _ in x.mentions)]
        claims.append(Claim(id=make_id("c", article.id, s, e), start=s, end=e, text=article.text[s:e],
                            attribution="outlet", entities=ents))
    return claims
