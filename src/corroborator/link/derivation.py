"""Text reuse between articles: shared passages, near-copies, rewrites that keep the same quotes in order.

Every article's normalised words are cut into overlapping 8-word shingles; sorting a fixed sample of the
shingles (one in four, by hash) finds the pairs that share some (shingles in very many articles, such as
boilerplate, are not used for pairing, so the work stays near-linear). For each such pair the *later* article (by
``published``, else ``published_not_before``, else id order) is said to derive from the earlier one when
enough of its words are covered by shared shingles: at least ``MIN_WORDS`` words and ``MIN_SHARE`` of its
text, or a long passage (``LONG_PASSAGE`` words) whatever its share. Quoting the same short sentence does
not reach these thresholds.

A rewrite that keeps the source's quotes in the same order is caught separately: at least
``MIN_QUOTES`` quotations of ``QUOTE_MIN_WORDS``+ words shared, in the same order, making up at least
``MIN_QUOTE_SHARE`` (half) of the later article's quotations.

``share`` is the fraction of the later article's words that were reused.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict

import numpy as np

from .. import config
from ..records import Derivation
from .claims_text import normalize_text, stable_hash, words

# tuning constants: declared, with their meaning and the evaluation that set them, in default_config.toml
_C = config.section("link.derivation")
SHINGLE = _C["shingle"]                        # words per shingle
MAX_DF = _C["max_df"]                          # shingles in more articles than this are boilerplate: not paired on
SAMPLE = _C["sample"]                          # one shingle in SAMPLE (by hash) is used to find candidate pairs
MIN_SHARED_SAMPLED = _C["min_shared_sampled"]  # shared sampled shingles for a pair to be looked at
MIN_WORDS = _C["min_words"]
MIN_SHARE = _C["min_share"]
LONG_PASSAGE = _C["long_passage"]
QUOTE_MIN_WORDS = _C["quote_min_words"]
MIN_QUOTES = _C["min_quotes"]
MIN_QUOTE_SHARE = _C["min_quote_share"]

_QUOTED = re.compile(r'"([^"]{10,}?)"')


def _date_key(article):
    return article.published or article.published_not_before or None


def _order(a, b):
    """(later, earlier) of two articles."""
    da, db = _date_key(a), _date_key(b)
    if da and db and da != db:
        return (a, b) if da > db else (b, a)
    return (a, b) if a.id > b.id else (b, a)


def _quotes(text: str) -> list:
    out = []
    for m in _QUOTED.finditer(normalize_text(text)):
        w = tuple(words(m.group(1)))
        if len(w) >= QUOTE_MIN_WORDS:
            out.append(w)
    return out


def _lcs(a: list, b: list) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


_ROLL = np.uint64(1099511628211)


@functools.lru_cache(maxsize=1 << 15)     # the common words: a bounded cache whatever the corpus
def _word_hash(w: str) -> int:
    return stable_hash(w)


def _shingles(toks: list) -> np.ndarray:
    """A hash per 8-word window, the same in every process (a rolling combination of stable word hashes)."""
    if len(toks) < SHINGLE:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromiter((_word_hash(t) for t in toks), dtype=np.uint64, count=len(toks))
    m = len(toks) - SHINGLE + 1
    h = np.zeros(m, dtype=np.uint64)
    for k in range(SHINGLE):
        h = h * _ROLL + ids[k:k + m]            # wraps modulo 2**64
    return h.view(np.int64)


def _covered(later_sh: np.ndarray, earlier_sh: np.ndarray, n_words: int) -> int:
    if not len(later_sh) or not len(earlier_sh):
        return 0
    hit = np.isin(later_sh, earlier_sh)
    if not hit.any():
        return 0
    cover = np.zeros(n_words + 1, dtype=np.int32)
    idx = np.nonzero(hit)[0]
    np.add.at(cover, idx, 1)
    np.add.at(cover, np.minimum(idx + SHINGLE, n_words), -1)
    return int((np.cumsum(cover)[:n_words] > 0).sum())


def _pair_codes(members: np.ndarray, n: int) -> np.ndarray:
    """``lo * n + hi`` for every pair inside each row of ``members`` (k groups of the same size m)."""
    a, b = np.triu_indices(members.shape[1], 1)
    x, y = members[:, a].ravel().astype(np.int64), members[:, b].ravel().astype(np.int64)
    return np.minimum(x, y) * n + np.maximum(x, y)


def _sampled(sh: np.ndarray) -> np.ndarray:
    """The shingles used to find candidate pairs: those whose hash is 0 modulo SAMPLE, each once, as 32 bits
    of their hash (half the memory of the key every article keeps; two shingles that meet in 32 bits only
    make a candidate pair, which ``check_pair`` then measures on the full hashes)."""
    picked = sh[sh % SAMPLE == 0] // SAMPLE
    return np.unique((picked & 0xFFFFFFFF).astype(np.uint32))


def _shingle_pairs(uniq: list, n: int) -> dict:
    """``{(i, j): shared sampled shingles}`` for the pairs sharing at least ``MIN_SHARED_SAMPLED`` of them
    (``uniq``: each article's sampled shingles, ``_sampled``).

    Column arrays and sorting instead of a dict of lists: memory stays a few integers per shingle (a
    dict keyed by shingle would hold hundreds of bytes each, gigabytes at 10k articles).
    """
    # pairs are found through a sample of the shingles (those whose hash is 0 modulo SAMPLE): a pair can
    # only be a derivation with MIN_WORDS words reused, i.e. 30+ shared shingles, of which a quarter are
    # expected in the sample; the share reused is then measured on all shingles (``_covered``)
    if not any(len(u) for u in uniq):
        return {}
    # one 64-bit word per (shingle, article): the shingle's 32 bits above the article's, sorted in place, groups
    # each shingle's articles without an index array or a second copy
    total = sum(len(u) for u in uniq)
    both = np.empty(total, dtype=np.uint64)
    off = 0
    for i, u in enumerate(uniq):
        both[off:off + len(u)] = (u.astype(np.uint64) << np.uint64(32)) | np.uint64(i)
        off += len(u)
    del uniq
    both.sort()
    docs = np.empty(total, dtype=np.int32)
    for lo in range(0, total, 1 << 20):
        docs[lo:lo + (1 << 20)] = both[lo:lo + (1 << 20)] & np.uint64(0xFFFFFFFF)
    both >>= np.uint64(32)                   # now the shingles alone, in order
    starts = np.flatnonzero(np.concatenate([[True], both[1:] != both[:-1]]))
    sizes = np.diff(np.append(starts, total))
    del both
    # pairs are counted chunk by chunk and the counts merged as they come: memory holds the distinct pairs,
    # not one code per shared shingle (copies share every shingle)
    pair = np.zeros(0, dtype=np.int64)
    count = np.zeros(0, dtype=np.int64)
    for m in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_DF)]).tolist():
        first = starts[sizes == m]
        step = max(1, 200_000 // (m * (m - 1) // 2))
        for c in range(0, len(first), step):
            rows = docs[first[c:c + step, None] + np.arange(m)[None, :]]
            p, k = np.unique(_pair_codes(rows, n), return_counts=True)
            both = np.concatenate([pair, p])
            pair, inv = np.unique(both, return_inverse=True)
            count = np.bincount(inv, weights=np.concatenate([count, k]), minlength=len(pair)).astype(np.int64)
    if not len(pair):
        return {}
    keep = count >= MIN_SHARED_SAMPLED
    return {(int(c // n), int(c % n)): int(k) for c, k in zip(pair[keep], count[keep])}


class DerivationKey:
    """What finding text reuse needs of one article to pick candidate pairs: its sampled shingles, its long
    quotations (hashed), its word count and date (a few kilobytes; the texts are read again only for the
    candidate pairs)."""
    __slots__ = ("id", "date", "n_words", "sampled", "quotes")

    def __init__(self, id, date, n_words, sampled, quotes):
        self.id, self.date, self.n_words, self.sampled, self.quotes = id, date, n_words, sampled, quotes


def derivation_key(article) -> DerivationKey:
    toks = words(article.text)
    return DerivationKey(article.id, _date_key(article), len(toks), _sampled(_shingles(toks)),
                         tuple(sorted({stable_hash(" ".join(q)) for q in _quotes(article.text)})))


def candidate_pairs(keys) -> list:
    """Pairs of article ids ``(a, b)``, ``a < b``, worth checking for reuse: enough shared sampled shingles,
    or enough shared long quotations. ``keys``: ``DerivationKey`` records."""
    keys = sorted(keys, key=lambda k: k.id)
    counts = _shingle_pairs([k.sampled for k in keys], max(len(keys), 1))
    qindex = defaultdict(list)
    for i, k in enumerate(keys):
        for q in k.quotes:
            qindex[q].append(i)
    qpairs = defaultdict(int)
    for members in qindex.values():
        if 2 <= len(members) <= MAX_DF:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    qpairs[(members[x], members[y])] += 1
    pairs = set(counts) | {p for p, c in qpairs.items() if c >= MIN_QUOTES}
    return sorted((keys[i].id, keys[j].id) for i, j in pairs)


def _text_features(article, cache):
    got = cache.get(article.id) if cache is not None else None
    if got is None:
        toks = words(article.text)
        got = (len(toks), _shingles(toks))
        if cache is not None:
            cache[article.id] = got
    return got


def check_pair(a, b, cache: dict | None = None):
    """``Derivation`` of the later of two articles from the earlier one when enough text is reused, else None.
    ``cache``: a dict kept by the caller over several pairs (each article's words are then hashed once)."""
    later, earlier = _order(a, b)
    n, ls = _text_features(later, cache)
    if n == 0:
        return None
    es = _text_features(earlier, cache)[1]
    covered = _covered(ls, es, n)
    share = covered / n
    reused = (covered >= MIN_WORDS and share >= MIN_SHARE) or covered >= LONG_PASSAGE
    if not reused:
        ql, qe = _quotes(later.text), _quotes(earlier.text)
        eq = set(qe)
        shared = [q for q in ql if q in eq]
        if len(set(shared)) >= MIN_QUOTES and len(shared) >= MIN_QUOTE_SHARE * len(ql):
            if _lcs(shared, [q for q in qe if q in set(shared)]) >= MIN_QUOTES:
                reused = True
                share = max(share, sum(len(q) for q in shared) / n)
    if not reused:
        return None
    return Derivation(article=later.id, source=earlier.id, share=round(min(share, 1.0), 3))


def find_derivations(articles) -> list:
    """``Derivation(article=later, source=earlier, share)`` for every pair of articles with enough text reuse."""
    by_id = {a.id: a for a in articles}
    out, cache = [], {}
    for x, y in candidate_pairs([derivation_key(a) for a in by_id.values()]):
        d = check_pair(by_id[x], by_id[y], cache)
        if d is not None:
            out.append(d)
    out.sort(key=lambda d: (d.article, d.source))
    return out
