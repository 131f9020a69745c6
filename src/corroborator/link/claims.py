"""First version: each claim is its own group."""
from __future__ import annotations

from ..ids import make_id
from ..records import ClaimGroup


def group_claims(analyses, stories, entity_map) -> list:
    story_of = {aid: s.id for s in stories for aid in s.articles}
    return [ClaimGroup(id=make_id("g", c.id), story=story_of[a.article.id], claims=[c.id])
            for a in analyses for c in a.claims]
