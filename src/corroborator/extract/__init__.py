"""extract: what one article says: entities, quotes, claims with quantities and times."""
from __future__ import annotations

from ..records import ArticleAnalysis
from .claims import find_claims
from .entities import find_entities
from .quantities import find_quantities
from .quotes import find_quotes
from .speakers import resolve_speakers
from .times import find_times

__all__ = ["extract_article", "find_claims", "find_entities", "find_quantities", "find_quotes", "find_times"]


def _within(items, start, end):
    return [x for x in items if x.start >= start and x.end <= end]


def extract_article(article, ann, embed=None) -> ArticleAnalysis:
    """Run every extractor over one annotated article.

    ``embed`` maps a list of strings to unit vectors (``annotate.embed_texts``); pass ``None`` to skip vectors.
    """
    entities = find_entities(article, ann)
    quotes = find_quotes(article, ann, entities)
    resolve_speakers(article, entities, quotes)      # "the governor", a missed name: the person named before
    claims = find_claims(article, ann, entities, quotes)
    quantities = find_quantities(article.text)
    times = find_times(article.text, published=article.published, not_before=article.published_not_before,
                       tokens=ann.tokens)     # the parse gives the tense that dates "on Wednesday"
    for c in claims:
        c.quantities = _within(quantities, c.start, c.end)
        c.times = _within(times, c.start, c.end)
    vectors, doc_vector = [], None
    if embed is not None:
        texts = [c.text for c in claims]
        lead = (article.title or "") + " " + article.text[:1000]
        vecs = embed(texts + [lead])
        vectors = [v for v in vecs[:-1]]
        doc_vector = vecs[-1]
    return ArticleAnalysis(article=article, entities=entities, quotes=quotes, claims=claims,
                           claim_vectors=vectors, doc_vector=doc_vector, sentences=list(ann.sentences))
