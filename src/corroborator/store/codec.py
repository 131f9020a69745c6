"""Turn an ``ArticleAnalysis`` into bytes for the store and back (JSON + zlib; vectors as float16)."""
from __future__ import annotations

import dataclasses
import json
import zlib

import numpy as np

from ..records import (Article, ArticleAnalysis, Caption, Claim, LocalEntity, Quantity, Quote, Removed,
                       TimeExpr)


_FIELD_NAMES: dict = {}    # record class -> its field names, in order


def _record_fields(obj) -> dict:
    """``json.dumps``'s ``default``: a record (dataclass instance) as the dict of its fields, in order; the
    encoder converts the values itself (nested records through here again). The JSON is the same as that of
    ``dataclasses.asdict`` (which deep-copies everything first, the main cost of encoding)."""
    cls = type(obj)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            raise TypeError(f"Object of type {cls.__name__} is not JSON serializable")
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(obj))
    return {name: getattr(obj, name) for name in names}


def encode_analysis(an: ArticleAnalysis) -> tuple:
    """Return ``(payload, vectors)``: compressed JSON of the records, and float16 bytes of the vectors."""
    d = {
        "article": an.article,
        "entities": an.entities,
        "quotes": an.quotes,
        "claims": an.claims,
        "sentences": [list(s) for s in an.sentences],
        "has_doc_vector": an.doc_vector is not None,
    }
    text = json.dumps(d, ensure_ascii=False, default=_record_fields)
    payload = zlib.compress(text.encode("utf-8", "surrogatepass"), 3)
    return payload, encode_vectors(an)


def encode_vectors(an: ArticleAnalysis) -> bytes:
    """The claim vectors (none, or one per claim) then the doc vector, as float16 bytes."""
    rows = list(an.claim_vectors) + ([an.doc_vector] if an.doc_vector is not None else [])
    return np.asarray(rows, dtype=np.float16).tobytes() if rows else b""


def decode_analysis(payload: bytes, vectors: bytes, dim: int = 384) -> ArticleAnalysis:
    d = json.loads(zlib.decompress(payload).decode("utf-8", "surrogatepass"))
    a = d["article"]
    a["captions"] = [Caption(**c) for c in a["captions"]]
    a["removed"] = [Removed(**r) for r in a["removed"]]
    a["headings"] = [tuple(h) for h in a["headings"]]
    a["source_map"] = [list(r) for r in a["source_map"]]
    article = Article(**a)
    entities = []
    for e in d["entities"]:
        e["mentions"] = [tuple(m) for m in e["mentions"]]
        entities.append(LocalEntity(**e))
    quotes = [Quote(**q) for q in d["quotes"]]
    claims = []
    for c in d["claims"]:
        c["quantities"] = [Quantity(**q) for q in c["quantities"]]
        c["times"] = [TimeExpr(**t) for t in c["times"]]
        claims.append(Claim(**c))
    # kept as float16 in memory too (half the memory of linking a large corpus); users widen as they compute
    vecs = np.frombuffer(vectors, dtype=np.float16).reshape(-1, dim).copy() if vectors else \
        np.zeros((0, dim), dtype=np.float16)
    doc_vector = None
    if d["has_doc_vector"] and len(vecs):
        doc_vector, vecs = vecs[-1], vecs[:-1]
    return ArticleAnalysis(article=article, entities=entities, quotes=quotes, claims=claims,
                           claim_vectors=list(vecs), doc_vector=doc_vector,
                           sentences=[tuple(s) for s in d["sentences"]])
