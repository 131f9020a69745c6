"""Vectors for the pipeline: texts embedded once per process (a cache), claims embedded only where a story
needs them, and vectors kept as the store keeps them (float16).

Both the per-article phase (``pipeline``: each article's lead) and linking (``corpus``: claim vectors) embed
through here, so neither imports the other for it.
"""
from __future__ import annotations

import numpy as np

from ..limits import StageTimer
from .embed import EMBED_DIM, embed_texts, token_vectors

EMBED_BATCH = 256        # texts tokenised at once (each runs through the model alone: see annotate.embed)
EMBED_CHUNK = 256        # texts per task when workers embed them
EMBED_CACHE: dict = {}   # text -> vector, per process (copies of the same wire story embed once)
EMBED_CACHE_MAX = 50_000
# a claim's word-piece vectors (for aligning two claims word by word) come from the model run that embeds it;
# they are kept here until its story is linked, which takes them (``take_tokens``), and are not stored
TOKEN_CACHE: dict = {}   # text -> (pieces, float16 matrix)
TOKEN_CACHE_MAX_BYTES = 256 * 2**20
_token_bytes = [0]


def _gather(texts, fresh: dict) -> np.ndarray:
    """The vectors of ``texts`` in order, from ``fresh`` (just computed) or else the cache."""
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        v = fresh.get(t)
        out[i] = v if v is not None else EMBED_CACHE[t]
    return out


def _not_cached(texts) -> list:
    return list(dict.fromkeys(t for t in texts if t not in EMBED_CACHE))


def keep_tokens(texts, tokens) -> None:
    """Keep the word-piece vectors of ``texts`` (from ``embed_texts(..., with_tokens=True)``) until taken,
    as far as ``TOKEN_CACHE_MAX_BYTES`` allows (a claim whose vectors were not kept gets them again)."""
    for t, tk in zip(texts, tokens):
        size = tk[1].nbytes
        if t not in TOKEN_CACHE and _token_bytes[0] + size <= TOKEN_CACHE_MAX_BYTES:
            TOKEN_CACHE[t] = tk
            _token_bytes[0] += size


def take_tokens(texts) -> list:
    """The word-piece vectors of each of ``texts`` (removed from the cache), computed where not kept."""
    out = [TOKEN_CACHE.pop(t, None) for t in texts]
    for tk in out:
        if tk is not None:
            _token_bytes[0] -= tk[1].nbytes
    missing = [i for i, tk in enumerate(out) if tk is None]
    if missing:
        for i, tk in zip(missing, token_vectors([texts[i] for i in missing])):
            out[i] = tk
    return out


def embed_cached(texts, tokens: bool = False) -> np.ndarray:
    """Embed ``texts`` (a list), reusing vectors already computed in this process for the same string. With
    ``tokens``, the word-piece vectors of the texts embedded now are kept too (``take_tokens``)."""
    todo = _not_cached(texts)
    if todo:
        if tokens:
            vecs, toks = embed_texts(todo, batch_size=EMBED_BATCH, with_tokens=True)
            keep_tokens(todo, toks)
        else:
            vecs = embed_texts(todo, batch_size=EMBED_BATCH)
        if len(EMBED_CACHE) + len(todo) > EMBED_CACHE_MAX:
            EMBED_CACHE.clear()
        fresh = dict(zip(todo, vecs))
        EMBED_CACHE.update(fresh)
    else:
        fresh = {}
    return _gather(texts, fresh)


def embed_chunk(texts):
    """Embed one chunk of texts (run in a worker process, or here)."""
    return embed_texts(texts, batch_size=EMBED_BATCH)


def embed_chunk_with_tokens(texts):
    """``embed_chunk`` with each text's word-piece vectors: ``(vectors, tokens)``."""
    return embed_texts(texts, batch_size=EMBED_BATCH, with_tokens=True)


def embedder_over(map_on_workers=None):
    """A function texts -> vectors that spreads the work with ``map_on_workers(func, items)`` (an engine's,
    returning None when it has no workers running) where there is enough of it, else embeds here. Vectors do
    not depend on where or with what they were embedded."""

    def embed(texts, tokens: bool = False):
        todo = _not_cached(texts)
        parts = None
        if map_on_workers is not None and len(todo) > EMBED_CHUNK:
            chunks = [todo[i:i + EMBED_CHUNK] for i in range(0, len(todo), EMBED_CHUNK)]
            parts = map_on_workers(embed_chunk_with_tokens if tokens else embed_chunk, chunks)
        if parts is None:
            return embed_cached(texts, tokens=tokens)
        if tokens:
            keep_tokens(todo, [tk for _v, toks in parts for tk in toks])
            parts = [v for v, _toks in parts]
        fresh = dict(zip(todo, np.concatenate(parts))) if todo else {}
        return _gather(texts, fresh)

    return embed


def as_stored(vec):
    """A vector as the store keeps it (float16): a vector fresh from the embedder and the same vector read
    back from the store are then equal, so a rerun links exactly as the first run did."""
    return np.asarray(vec, dtype=np.float16)


def has_claim_vectors(an) -> bool:
    return len(an.claim_vectors) == len(an.claims)


def drop_tokens() -> None:
    """Forget the word-piece vectors not taken (claims whose story has been linked without needing them)."""
    TOKEN_CACHE.clear()
    _token_bytes[0] = 0


def embed_claims_where_needed(analyses, stories, timings=None, embed=None, tokens: bool = False) -> list:
    """Give claim vectors to the articles that share a story with another article and lack them.

    A claim is only ever compared with the claims of other articles of its story, so the claims of an
    article alone in its story need no vector (most of the embedding cost of a large, varied corpus);
    when a later run adds an article to that story, they get one then. Returns the analyses given
    vectors (for the store to keep them). ``timings`` (a dict): seconds added under ``embed``, and the
    count under ``n_claims_embedded``. With ``tokens``, the claims' word-piece vectors are kept for linking
    (``take_tokens``; ``drop_tokens`` once the stories are linked).
    """
    by_id = {an.article.id: an for an in analyses}
    todo = []
    for st in stories:
        if len(st.articles) < 2:
            continue
        for aid in st.articles:
            an = by_id.get(aid)
            if an is not None and an.claims and not has_claim_vectors(an):
                todo.append(an)
    if not todo:
        return []
    texts = [c.text for an in todo for c in an.claims]
    with StageTimer(timings, "embed"):
        vecs = (embed or embed_cached)(texts, tokens=True) if tokens else (embed or embed_cached)(texts)
    if timings is not None:
        timings["n_claims_embedded"] = timings.get("n_claims_embedded", 0) + len(texts)
    off = 0
    for an in todo:
        an.claim_vectors = [as_stored(v) for v in vecs[off:off + len(an.claims)]]
        off += len(an.claims)
    return todo
