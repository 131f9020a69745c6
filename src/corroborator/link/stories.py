"""First version: every article is in one story."""
from __future__ import annotations

from ..ids import make_id
from ..records import Story


def cluster_stories(analyses) -> list:
    if not analyses:
        return []
    ids = sorted(a.article.id for a in analyses)
    title = next((a.article.title for a in analyses if a.article.title), None) or analyses[0].article.text[:80]
    return [Story(id=make_id("s", *ids), title=title, articles=ids)]
