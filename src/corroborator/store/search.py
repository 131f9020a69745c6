"""Full-text search over claims: a BM25 index held in an in-memory DuckDB, built when the server starts.

DuckDB's own ``fts`` extension is used nowhere: it is downloaded on first use (no network here) and the PyPI
package ``duckdb-extension-fts`` has no build for every DuckDB version. The index is therefore plain tables
(``terms``: claim, term hash, tf; ``docs``: length) and the BM25 score is one SQL query. Tokens are lower-cased
runs of letters and digits with a light plural stem; every query term must match (AND).
"""
from __future__ import annotations

import pathlib
import re
import weakref

from .cursors import ThreadCursors

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset("a an and are as at be by for from has have in is it its of on or that the to was were "
                      "will with".split())
K1, B = 1.2, 0.75
MAX_TERMS = 12


def _close(cursors, con) -> None:
    cursors.close()
    con.close()


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
    """BM25 search over ``[(claim_id, text)]``. Thread-safe: each thread searches through its own DuckDB cursor.

    Built a chunk of ``CHUNK`` claims at a time, each term stored as its 64-bit hash, so building it never
    holds more than one chunk in Python. In memory by default; with ``directory`` the index is a DuckDB file
    there, cached up to ``memory_mb`` (the index of a 270,000-claim ledger is about 120 MB).
    """
    CHUNK = 16384

    def __init__(self, docs, directory=None, memory_mb: int = 64):
        import duckdb
        import pyarrow as pa
        self._con = duckdb.connect(":memory:" if directory is None else str(pathlib.Path(directory) / "search.duckdb"))
        con = self._con
        self._cursors = ThreadCursors(con)
        weakref.finalize(self, _close, self._cursors, con)     # before the folder holding its file is removed
        con.execute("SET enable_progress_bar = false")
        if directory is not None:
            con.execute(f"SET memory_limit = '{int(memory_mb)}MB'")
        con.execute("CREATE TABLE docs (doc INTEGER, id VARCHAR, len INTEGER)")
        con.execute("CREATE TABLE terms (doc INTEGER, term UBIGINT, tf INTEGER)")
        n_docs = 0

        def flush(ids, lens, t_doc, t_term, t_tf):
            # Bulk-load through Arrow: row-by-row inserts take seconds for a few thousand claims.
            con.register("docs_in", pa.table({"doc": pa.array(range(n_docs - len(lens), n_docs), pa.int32()),
                                              "id": pa.array(ids, pa.string()),
                                              "len": pa.array(lens, pa.int32())}))
            con.register("terms_in", pa.table({"doc": pa.array(t_doc, pa.int32()),
                                               "term": pa.array(t_term, pa.string()),
                                               "tf": pa.array(t_tf, pa.int32())}))
            con.execute("INSERT INTO docs SELECT * FROM docs_in")
            con.execute("INSERT INTO terms SELECT doc, hash(term), tf FROM terms_in")
            con.unregister("docs_in")
            con.unregister("terms_in")

        ids, lens, t_doc, t_term, t_tf = [], [], [], [], []
        for cid, text in docs:
            toks = tokens(text)
            n = n_docs
            n_docs += 1
            ids.append(cid)
            lens.append(len(toks))
            counts: dict = {}
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                t_doc.append(n)
                t_term.append(t)
                t_tf.append(c)
            if len(lens) >= self.CHUNK:
                flush(ids, lens, t_doc, t_term, t_tf)
                ids, lens, t_doc, t_term, t_tf = [], [], [], [], []
        if lens:
            flush(ids, lens, t_doc, t_term, t_tf)
        con.execute("CREATE TABLE df AS SELECT term, count(*) AS df FROM terms GROUP BY term")
        avg = con.execute("SELECT coalesce(avg(len), 1) FROM docs").fetchone()[0] or 1
        self._size = n_docs
        self._n, self._avg = max(n_docs, 1), float(avg)

    def __len__(self):
        return self._size

    def search(self, query: str, limit: int = 50, offset: int = 0, allowed=None):
        """``(total, [(claim_id, score)])`` for claims containing every term of ``query``, best first.

        ``allowed`` (a set of claim ids) restricts the results, e.g. to one story.
        """
        terms = list(dict.fromkeys(tokens(query)))[:MAX_TERMS]
        if not terms:
            return 0, []
        rows = self._cursors.fetchall(
            """
            WITH q AS (SELECT hash(unnest(?::VARCHAR[])) AS term),
            hits AS (
              SELECT t.doc,
                     sum(ln(1 + (? - df.df + 0.5) / (df.df + 0.5))
                         * t.tf * (? + 1) / (t.tf + ? * (1 - ? + ? * d.len / ?))) AS score,
                     count(*) AS matched
              FROM terms t JOIN q USING (term) JOIN df USING (term) JOIN docs d ON d.doc = t.doc
              GROUP BY t.doc)
            SELECT d.id, h.score FROM hits h JOIN docs d ON d.doc = h.doc WHERE h.matched = ?
            ORDER BY h.score DESC, h.doc
            """, [terms, self._n, K1, K1, B, B, self._avg, len(terms)])
        hits = [(cid, float(s)) for cid, s in rows]
        if allowed is not None:
            hits = [h for h in hits if h[0] in allowed]
        return len(hits), hits[offset:offset + limit]
