"""Full-text search over claims: a BM25 inverted index in numpy arrays, built when the server starts.

DuckDB's own ``fts`` extension is used nowhere: it is downloaded on first use (no network here) and the PyPI
package ``duckdb-extension-fts`` has no build for every DuckDB version. The index is a posting list per term
(claims in the ledger's order, with the term's count in each), terms known by a 64-bit hash; a search
intersects the lists of its terms, rarest first, and scores the claims left. It is built once and only read
after, so every worker thread searches it at once without a lock. (It was a SQL query over DuckDB tables:
20 ms a search over 8,000 claims, a scan of every posting; this takes about a millisecond.) Tokens are
lower-cased runs of letters and digits with a light plural stem; every query term must match (AND).
"""
from __future__ import annotations

import re

import numpy as np

from .cursors import check_deadline

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset("a an and are as at be by for from has have in is it its of on or that the to was were "
                      "will with".split())
K1, B = 1.2, 0.75
MAX_TERMS = 12


def tokens(text: str) -> list:
    """Index terms of ``text``: lower-cased words without stopwords, plural ``-s`` / ``-ies`` folded."""
    out = []
    for t in TOKEN.findall(text.lower()):
        if t in STOPWORDS:
            continue
        if len(t) > 4 and t.endswith("ies"):
            t = t[:-3] + "y"
        elif len(t) > 3 and t.endswith("s") and not t.endswith("ss"):
            t = t[:-1]
        out.append(t)
    return out


class ClaimIndex:
    """BM25 search over ``docs``: ``(claim_id, text)`` or ``(claim_id, text, story_id)``. Thread-safe (read-only).

    Built ``CHUNK`` claims at a time into numpy arrays, so building it holds one chunk of Python lists at a
    time. About 14 bytes a posting while building, 6 after, and the claim ids (a 270,000-claim ledger has about
    2.7 million postings: some 40 MB with the ids).
    """
    CHUNK = 16384

    def __init__(self, docs, directory=None, memory_mb: int = 64):
        # ``directory`` and ``memory_mb`` are accepted for callers of the DuckDB index this replaced; unused
        del directory, memory_mb
        self._ids: list = []
        self._story_no: dict = {}
        hashes, doc_nos, tfs, lens, stories = [], [], [], [], []
        c_hash, c_doc, c_tf = [], [], []

        def flush():
            hashes.append(np.array(c_hash, dtype=np.int64))
            doc_nos.append(np.array(c_doc, dtype=np.int32))
            tfs.append(np.array(c_tf, dtype=np.int32))
            c_hash.clear(), c_doc.clear(), c_tf.clear()

        for n, doc in enumerate(docs):
            cid, text = doc[0], doc[1]
            story = doc[2] if len(doc) > 2 else None
            self._ids.append(cid)
            stories.append(-1 if story is None else self._story_no.setdefault(story, len(self._story_no)))
            toks = tokens(text or "")
            lens.append(len(toks))
            counts: dict = {}
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                c_hash.append(hash(t))
                c_doc.append(n)
                c_tf.append(c)
            if (n + 1) % self.CHUNK == 0:
                flush()
        flush()
        h = np.concatenate(hashes)
        order = np.argsort(h, kind="stable")     # by term; a term's claims stay in the ledger's order
        h = h[order]
        self._docs = np.concatenate(doc_nos)[order]
        self._tfs = np.concatenate(tfs)[order].astype(np.float64)
        del order
        hashes.clear(), doc_nos.clear(), tfs.clear()     # the chunks' arrays, freed before the index grows
        self._terms, self._starts = np.unique(h, return_index=True)
        self._ends = np.append(self._starts[1:], len(h)).astype(np.int64)
        del h
        self._lens = np.array(lens, dtype=np.float64)
        self._stories = np.array(stories, dtype=np.int32)
        self._size = len(self._ids)
        self._n = max(self._size, 1)
        self._avg = float(self._lens.mean()) if self._size and self._lens.mean() > 0 else 1.0

    def __len__(self):
        return self._size

    def _postings(self, term: str):
        h = hash(term)
        i = int(np.searchsorted(self._terms, h))
        if i >= len(self._terms) or self._terms[i] != h:
            return None
        a, b = int(self._starts[i]), int(self._ends[i])
        return self._docs[a:b], self._tfs[a:b]

    def search(self, query: str, limit: int = 50, offset: int = 0, allowed=None, story: str | None = None):
        """``(total, [(claim_id, score)])`` for claims containing every term of ``query``, best first (ties in
        the ledger's order).

        ``story`` restricts the results to the claims of one story (when the docs named their story);
        ``allowed`` (a set of claim ids) to those claims.
        """
        check_deadline()
        terms = list(dict.fromkeys(tokens(query)))[:MAX_TERMS]
        if not terms:
            return 0, []
        lists = [self._postings(t) for t in terms]
        if any(p is None for p in lists):
            return 0, []
        lists.sort(key=lambda p: len(p[0]))
        docs, scores = lists[0][0], np.zeros(len(lists[0][0]))
        picked = []
        for d, tf in lists:                      # the claims in every list so far, rarest list first
            if d is not docs:
                docs, i_have, i_new = np.intersect1d(docs, d, assume_unique=True, return_indices=True)
                scores = scores[i_have]
                picked = [(ix[i_have], tf_) for ix, tf_ in picked]
                idx = i_new
            else:
                idx = np.arange(len(d))
            picked.append((idx, tf))
            if not len(docs):
                return 0, []
        # BM25 as the SQL of the index this replaced computed it: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg))
        norm = K1 * (1 - B + B * self._lens[docs] / self._avg)
        for (idx, tf), (d, _) in zip(picked, lists):
            df = len(d)
            idf = np.log(1 + (self._n - df + 0.5) / (df + 0.5))
            t = tf[idx]
            scores = scores + idf * t * (K1 + 1) / (t + norm)
        if story is not None:
            keep = self._stories[docs] == self._story_no.get(story, -2)
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))
        docs, scores = docs[order], scores[order]
        if allowed is not None:
            keep = [i for i, d in enumerate(docs.tolist()) if self._ids[d] in allowed]
            docs, scores = docs[keep], scores[keep]
        page = slice(max(offset, 0), max(offset, 0) + max(limit, 0))
        return len(docs), [(self._ids[d], float(s)) for d, s in zip(docs[page].tolist(), scores[page].tolist())]
