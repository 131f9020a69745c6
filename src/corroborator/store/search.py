"""Full-text search over claims: a BM25 index held in an in-memory DuckDB, built when the server starts.

DuckDB's own ``fts`` extension is used nowhere: it is downloaded on first use (no network here) and the PyPI
package ``duckdb-extension-fts`` has no build for every DuckDB version. The index is therefore plain tables
(``terms``: claim, term, tf; ``docs``: length) and the BM25 score is one SQL query. Tokens are lower-cased
runs of letters and digits with a light plural stem; every query term must match (AND).
"""
from __future__ import annotations

import re
import threading

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
    """BM25 search over ``[(claim_id, text)]``. Thread-safe: each search runs on its own DuckDB cursor."""

    def __init__(self, docs):
        import duckdb
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        import pyarrow as pa
        ids, lens, t_doc, t_term, t_tf = [], [], [], [], []
        for n, (cid, text) in enumerate(docs):
            toks = tokens(text)
            ids.append(cid)
            lens.append(len(toks))
            counts: dict = {}
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                t_doc.append(n)
                t_term.append(t)
                t_tf.append(c)
        self._ids = ids
        con = self._con
        # Bulk-load through Arrow: row-by-row inserts take seconds for a few thousand claims.
        docs_tbl = pa.table({"doc": pa.array(range(len(ids)), pa.int32()), "len": pa.array(lens, pa.int32())})
        terms_tbl = pa.table({"doc": pa.array(t_doc, pa.int32()), "term": pa.array(t_term, pa.string()),
                              "tf": pa.array(t_tf, pa.int32())})
        con.register("docs_in", docs_tbl)
        con.register("terms_in", terms_tbl)
        con.execute("CREATE TABLE docs AS SELECT * FROM docs_in")
        con.execute("CREATE TABLE terms AS SELECT * FROM terms_in")
        con.unregister("docs_in")
        con.unregister("terms_in")
        con.execute("CREATE TABLE df AS SELECT term, count(*) AS df FROM terms GROUP BY term")
        n_docs = max(len(ids), 1)
        avg = con.execute("SELECT coalesce(avg(len), 1) FROM docs").fetchone()[0] or 1
        self._n, self._avg = n_docs, float(avg)

    def __len__(self):
        return len(self._ids)

    def search(self, query: str, limit: int = 50, offset: int = 0, allowed=None):
        """``(total, [(claim_id, score)])`` for claims containing every term of ``query``, best first.

        ``allowed`` (a set of claim ids) restricts the results, e.g. to one story.
        """
        terms = list(dict.fromkeys(tokens(query)))[:MAX_TERMS]
        if not terms:
            return 0, []
        with self._lock:
            cur = self._con.cursor()
        try:
            rows = cur.execute(
                """
                WITH q AS (SELECT unnest(?::VARCHAR[]) AS term),
                hits AS (
                  SELECT t.doc,
                         sum(ln(1 + (? - df.df + 0.5) / (df.df + 0.5))
                             * t.tf * (? + 1) / (t.tf + ? * (1 - ? + ? * d.len / ?))) AS score,
                         count(*) AS matched
                  FROM terms t JOIN q USING (term) JOIN df USING (term) JOIN docs d ON d.doc = t.doc
                  GROUP BY t.doc)
                SELECT doc, score FROM hits WHERE matched = ? ORDER BY score DESC, doc
                """, [terms, self._n, K1, K1, B, B, self._avg, len(terms)]).fetchall()
        finally:
            cur.close()
        hits = [(self._ids[d], float(s)) for d, s in rows]
        if allowed is not None:
            hits = [h for h in hits if h[0] in allowed]
        return len(hits), hits[offset:offset + limit]
