"""Stories: articles grouped by the event they report.

Each article is described by its ``doc_vector`` (embedding of title + lead, unit length), the names of
its entities, and its date. Candidate pairs come from blocking, never from all pairs over the corpus:

* random-hyperplane LSH over the doc vectors (several tables, bucket size kept constant as the batch grows);
* an inverted index on rare entity names (names shared by too many articles are not used for blocking).

Each candidate pair is scored (cosine + shared-name bonus - date-gap penalty); pairs above a threshold are
merged greedily, best first, and two clusters are only joined when their *average* cosine is high enough
too, which stops one bridging article from chaining two events together. Ids hash the sorted article ids.
"""
from __future__ import annotations

import datetime as _dt
import math
from collections import defaultdict

import numpy as np

from .. import config
from ..ids import make_id
from ..records import Story
from ..unionfind import find_root_list
from .claims_text import hashed_vectors, normalize_text, stable_hash

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("link.stories")
PAIR_THRESHOLD = _C["pair_threshold"]
AVERAGE_THRESHOLD = _C["average_threshold"]
NAME_WEIGHT = _C["name_weight"]
DATE_GRACE_DAYS = _C["date_grace_days"]
DATE_PENALTY_PER_DAY = _C["date_penalty_per_day"]
DATE_PENALTY_MAX = _C["date_penalty_max"]
WORDS_PAIR_THRESHOLD = _C["words_pair_threshold"]
WORDS_AVERAGE_THRESHOLD = _C["words_average_threshold"]
LSH_TABLES = _C["lsh_tables"]
LSH_BUCKET = _C["lsh_bucket"]
NAME_BLOCK_MAX_DF = _C["name_block_max_df"]
PAIR_CHUNK = _C["pair_chunk"]
_NAME_TYPES = {"PERSON", "ORG", "GPE", "LOC", "EVENT", "NORP", "OTHER"}


def _lead(an) -> str:
    return ((an.article.title or "") + "\n" + (an.article.text or "")[:1000]).strip()


class StoryKey:
    """What story clustering needs of one article (a few hundred bytes: a corpus of any size is clustered
    without holding its analyses)."""
    __slots__ = ("id", "vector", "names", "pub", "nb", "title", "first_line", "lead")

    def __init__(self, id, vector, names, pub, nb, title, first_line, lead):
        self.id, self.vector, self.names, self.pub, self.nb = id, vector, names, pub, nb
        self.title, self.first_line, self.lead = title, first_line, lead


def story_key(an, keep_lead: bool = False) -> StoryKey:
    """``StoryKey`` of an ``ArticleAnalysis``; its lead text is kept when it has no doc vector (or when asked)."""
    a = an.article
    # a copy: the stored doc vector is a view into the article's whole matrix of vectors
    vec = np.array(an.doc_vector) if an.doc_vector is not None and len(an.doc_vector) else None
    title = a.title.strip() if a.title else None
    first = None
    if not title:
        text = a.text or ""
        if an.sentences:
            s, e = an.sentences[0]
            first = text[s:e].strip()[:200]
        else:
            first = text.strip().split("\n")[0][:200]
    pub, nb = _day(an)
    return StoryKey(a.id, vec, _name_keys(_names(an)), pub, nb, title, first,
                    _lead(an) if keep_lead or vec is None else None)


def _keys(items) -> list:
    keys = [x if isinstance(x, StoryKey) else story_key(x) for x in items]
    if not _has_embeddings(keys) and any(k.lead is None for k in keys):
        # some article has no doc vector: every article is compared by its words, so every lead is needed
        keys = [x if isinstance(x, StoryKey) else story_key(x, keep_lead=True) for x in items]
    return keys


def _has_embeddings(keys) -> bool:
    vecs = [k.vector for k in keys]
    return bool(vecs) and all(v is not None for v in vecs) and len({len(v) for v in vecs}) == 1


class UnitRows:
    """The articles' doc vectors, each scaled to unit length as it is read: the matrix stays as it was given
    (float16 as stored: a float32 copy would double it) and in its own row order (``order[i]``: the row of
    article ``i``), so that clustering a corpus's keys copies none of its vectors."""

    BLOCK = 1024

    def __init__(self, m: np.ndarray, order=None, normalize: bool = True):
        self.m = m
        self.order = None if order is None else np.asarray(order, dtype=np.int64)
        self.shape = (len(m) if order is None else len(self.order), m.shape[1])
        self.norms = None
        if normalize:
            norms = np.empty(self.shape[0], dtype=np.float32)
            for lo in range(0, self.shape[0], self.BLOCK):
                rows = self._raw(np.arange(lo, min(lo + self.BLOCK, self.shape[0])))
                norms[lo:lo + len(rows)] = np.linalg.norm(rows, axis=1)
            self.norms = np.maximum(norms, np.float32(1e-9))

    def __len__(self) -> int:
        return self.shape[0]

    def _raw(self, idx) -> np.ndarray:
        return self.m[idx if self.order is None else self.order[idx]].astype(np.float32)

    def rows(self, idx) -> np.ndarray:
        """Unit rows of articles ``idx`` (an index array), float32."""
        idx = np.asarray(idx, dtype=np.int64)
        out = self._raw(idx)
        if self.norms is not None:
            out /= self.norms[idx][:, None]
        return out

    def row(self, i: int) -> np.ndarray:
        return self.rows(np.array([i]))[0]

    def blocks(self):
        """The unit rows in blocks of ``BLOCK`` rows, in article order."""
        for lo in range(0, self.shape[0], self.BLOCK):
            yield self.rows(np.arange(lo, min(lo + self.BLOCK, self.shape[0])))


def _vectors(keys) -> UnitRows:
    if _has_embeddings(keys):
        m = np.empty((len(keys), len(keys[0].vector)), dtype=np.float32)
        for i, k in enumerate(keys):
            m[i] = k.vector
        return UnitRows(m)
    # without embeddings everywhere, compare all articles in one space (hashed bag of words, unit rows)
    if any(k.lead is None for k in keys):
        raise ValueError("story keys without doc vectors need their leads (story_key(..., keep_lead=True))")
    return UnitRows(hashed_vectors([k.lead for k in keys]), normalize=False)


def _name_keys(names) -> np.ndarray:
    """Names as sorted 64-bit hashes (a few hundred bytes per article, where a set of strings takes kilobytes)."""
    return np.array(sorted({stable_hash(n) for n in names}), dtype=np.int64)


def _names(an) -> set:
    out = set()
    for e in an.entities:
        if e.type not in _NAME_TYPES:
            continue
        name = normalize_text(e.name).lower().strip(" .'\"")
        if len(name) < 3:
            continue
        out.add(name)
        parts = name.split()
        if e.type == "PERSON" and len(parts) > 1 and len(parts[-1]) > 2:
            out.add(parts[-1])          # "William Barr" and "Barr" meet
    return out


def _ordinal(s):
    if not s:
        return None
    try:
        return _dt.date.fromisoformat(str(s)[:10]).toordinal()
    except ValueError:
        return None


def _day(an):
    """(publication day, not-before day) of an analysis as ordinals, -1 where unknown; the not-before day is
    used only when the publication day is unknown."""
    pub = _ordinal(an.article.published)
    nb = _ordinal(an.article.published_not_before) if pub is None else None
    return (-1 if pub is None else pub), (-1 if nb is None else nb)


def _day_gaps(pub_a, nb_a, pub_b, nb_b) -> np.ndarray:
    """Days two articles lie apart at the least. Two publication dates: their distance. A publication date and
    the other article's not-before date (the latest date its text mentions): only how far that date lies
    after the publication, since the other article may have been published any time after it (a story
    mentioning a 1998 ruling is not from 1998). Otherwise nothing is known: 0."""
    both = (pub_a >= 0) & (pub_b >= 0)
    gap = np.where(both, np.abs(pub_a - pub_b), 0)
    gap = np.where((nb_a >= 0) & (pub_b >= 0), np.maximum(nb_a - pub_b, 0), gap)
    gap = np.where((pub_a >= 0) & (nb_b >= 0), np.maximum(nb_b - pub_a, 0), gap)
    return gap


def _unique(x: np.ndarray) -> np.ndarray:
    """The distinct values of ``x``, sorted; ``x`` (a fresh array) is sorted in place, saving a copy."""
    if not len(x):
        return x
    x.sort()
    return x[np.concatenate([[True], x[1:] != x[:-1]])]


def _merge_codes(parts: list) -> np.ndarray:
    """The distinct codes of the arrays in ``parts`` (emptied: each array is freed once copied, so that the
    merge holds the codes about twice, not three times)."""
    merged = np.concatenate(parts)
    parts.clear()
    return _unique(merged)


def _lsh_pairs(V: UnitRows, more=None) -> np.ndarray:
    """Candidate pairs ``i < j`` that share a bucket in at least one LSH table, and the pairs of ``more`` (codes),
    as sorted distinct codes ``i * n + j`` (one integer a pair: half the memory of an array of pairs)."""
    n, d = V.shape
    more = np.zeros(0, dtype=np.int64) if more is None else more
    if n < 2:
        return more
    bits = int(round(math.log2(max(n / LSH_BUCKET, 1.0))))
    bits = min(max(bits, 1), 30)
    rng = np.random.default_rng(12345)
    weights = (1 << np.arange(bits, dtype=np.int64))
    acc = more                                 # the distinct pair codes so far, merged table by table
    cap = 8 * LSH_BUCKET                       # a degenerate bucket is cut: keep the work linear
    tri = {}
    for _ in range(LSH_TABLES):
        codes = []
        planes = rng.standard_normal((d, bits)).astype(np.float32)
        keys = np.concatenate([((b @ planes) > 0).astype(np.int64) @ weights for b in V.blocks()])
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        bounds = np.flatnonzero(np.diff(sk)) + 1
        for members in np.split(order, bounds):
            m = len(members)
            if m < 2:
                continue
            if m > cap:
                members, m = members[:cap], cap
            if m not in tri:
                tri[m] = np.triu_indices(m, 1)
            a, b = tri[m]
            x, y = members[a], members[b]
            lo, hi = np.minimum(x, y), np.maximum(x, y)
            codes.append(lo.astype(np.int64) * n + hi)
        if codes:
            codes.append(acc)
            acc = None
            acc = _merge_codes(codes)
    return acc


def _name_pairs(names) -> tuple:
    """Candidate pairs (codes ``i * n + j``, sorted) of articles sharing a name that at most
    ``NAME_BLOCK_MAX_DF`` articles have, and the idf
    of every name as ``(sorted name hashes, their idf)``: arrays, where a dict of names to article lists
    would take a hundred bytes per mention."""
    n = len(names)
    lens = np.fromiter((len(ns) for ns in names), dtype=np.int64, count=n)
    if not lens.sum():
        return np.zeros(0, dtype=np.int64), (np.zeros(0, dtype=np.int64), np.zeros(0))
    flat = np.concatenate([ns for ns in names if len(ns)]).astype(np.int64)
    owner = np.repeat(np.arange(n, dtype=np.int32), lens)
    order = np.argsort(flat, kind="stable")
    flat = flat[order]
    owner = owner[order]                             # each name's articles, in article order
    del order
    first = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1]]))
    counts = np.diff(np.append(first, len(flat)))
    uniq = flat[first]
    del flat
    idf = np.log((n + 1) / (counts + 0.5))
    acc, codes, pending = np.zeros(0, dtype=np.int64), [], 0
    for g in np.flatnonzero((counts >= 2) & (counts <= NAME_BLOCK_MAX_DF)).tolist():
        arr = owner[first[g]:first[g] + counts[g]].astype(np.int64)
        a, b = np.triu_indices(len(arr), 1)
        codes.append(np.minimum(arr[a], arr[b]) * n + np.maximum(arr[a], arr[b]))
        pending += len(a)
        if pending >= 100_000:         # articles of one story share many names: keep the distinct pairs only
            codes.append(acc)
            acc, pending = None, 0
            acc = _merge_codes(codes)
    if codes:
        codes.append(acc)
        acc = None
        acc = _merge_codes(codes)
    return acc, (uniq, idf)


def _name_sim(a, b, idf: tuple) -> float:
    """Share of the idf mass of two articles' names (sorted unique hash arrays) that they have in common."""
    if not len(a) or not len(b):
        return 0.0
    uniq, weights = idf
    both = np.union1d(a, b)
    w = weights[np.searchsorted(uniq, both)]
    total = float(w.sum())
    if total <= 0:
        return 0.0
    shared = np.isin(both, a, assume_unique=True) & np.isin(both, b, assume_unique=True)
    return float(w[shared].sum()) / total


def pair_scores(analyses, V=None, min_score=-np.inf) -> list:
    """Scored candidate pairs ``(score, cosine, i, j)`` over the blocked candidates, score >= ``min_score``
    (``analyses``: ``ArticleAnalysis`` or ``StoryKey`` records)."""
    keys = _keys(analyses)
    V = _vectors(keys) if V is None else V
    n = len(keys)
    names = [k.names for k in keys]
    days = np.array([(k.pub, k.nb) for k in keys], dtype=np.int64).reshape(-1, 2)
    u, idf = _name_pairs(names)
    u = _lsh_pairs(V, u)
    out = []
    for c in range(0, len(u), PAIR_CHUNK):   # chunks: only a chunk of pairs' vectors and terms at once
        arr = np.stack([u[c:c + PAIR_CHUNK] // n, u[c:c + PAIR_CHUNK] % n], axis=1)
        cos = np.einsum("ij,ij->i", V.rows(arr[:, 0]), V.rows(arr[:, 1])).astype(np.float64)
        da, db = days[arr[:, 0]], days[arr[:, 1]]
        gap = _day_gaps(da[:, 0], da[:, 1], db[:, 0], db[:, 1])
        pen = np.where(gap > DATE_GRACE_DAYS,
                       np.minimum(DATE_PENALTY_MAX, DATE_PENALTY_PER_DAY * (gap - DATE_GRACE_DAYS)), 0.0)
        base = cos - pen
        for k in np.flatnonzero(base + NAME_WEIGHT >= min_score).tolist():   # the name bonus is <= NAME_WEIGHT
            i, j = int(arr[k, 0]), int(arr[k, 1])
            sim = _name_sim(names[i], names[j], idf) if len(names[i]) and len(names[j]) else 0.0
            sc = float(base[k]) + NAME_WEIGHT * sim
            if sc >= min_score:
                out.append((sc, float(cos[k]), i, j))
    return out


def _title(keys, members, V: UnitRows) -> str:
    rows = V.rows(members)
    centroid = rows.sum(0)
    at = {m: r for m, r in zip(members, rows)}
    best = max(members, key=lambda i: (float(at[i] @ centroid), keys[i].id))
    for i in [best] + [m for m in members if m != best]:
        if keys[i].title:
            return keys[i].title
    return keys[best].first_line or ""


def cluster_stories(analyses, vectors=None) -> list:
    """Group articles (``ArticleAnalysis`` or ``StoryKey`` records) into ``Story`` records (every article in
    exactly one story). ``vectors``: the articles' doc vectors as the rows of one matrix, in the order of
    ``analyses`` (the keys' own vectors are then not read): a corpus's keys are clustered without a copy."""
    keys = _keys(analyses)
    order = sorted(range(len(keys)), key=lambda i: keys[i].id)
    keys = [keys[i] for i in order]
    n = len(keys)
    if n == 0:
        return []
    V = _vectors(keys) if vectors is None else UnitRows(vectors, order)
    parent = list(range(n))
    size = [1] * n
    vsum = {}                  # root of a cluster of two or more -> the sum of its vectors (float64)

    def vs(r):
        return vsum[r] if r in vsum else V.row(r).astype(np.float64)

    def find(x):
        return find_root_list(parent, x)

    embedded = vectors is not None or _has_embeddings(keys)
    pair_t = PAIR_THRESHOLD if embedded else WORDS_PAIR_THRESHOLD
    avg_t = AVERAGE_THRESHOLD if embedded else WORDS_AVERAGE_THRESHOLD
    edges = pair_scores(keys, V, min_score=pair_t)
    edges.sort(key=lambda p: (-p[0], p[2], p[3]))
    for _s, _c, i, j in edges:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if size[ri] > 1 or size[rj] > 1:
            avg = float(vs(ri) @ vs(rj)) / (size[ri] * size[rj])
            if avg < avg_t:
                continue
        if size[ri] < size[rj]:
            ri, rj = rj, ri
        parent[rj] = ri
        size[ri] += size[rj]
        vsum[ri] = vs(ri) + vs(rj)
        vsum.pop(rj, None)
    clusters = defaultdict(list)
    for i in range(n):
        clusters[find(i)].append(i)
    stories = []
    for members in clusters.values():
        ids = sorted(keys[i].id for i in members)
        stories.append(Story(id=make_id("s", *ids), title=_title(keys, members, V), articles=ids))
    stories.sort(key=lambda s: s.articles[0])
    return stories
