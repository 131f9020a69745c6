"""The embedded DuckDB store behind ``ledger.duckdb``.

Two kinds of table:
- ``analyses`` / ``inputs``: the per-article work, committed article by article so that a killed run
  loses nothing it finished; a rerun reuses every analysis whose input is unchanged (content-hash key).
- the ledger tables (``articles``, ``entities``, ``quotes``, ``claims``, ``stories``, ``claim_groups``,
  ``timeline``, ``run``): rewritten in one transaction at the end of each run; each row keeps its whole
  ledger record as JSON next to the columns that queries use.
"""
from __future__ import annotations

import contextlib
import json
import logging
import pathlib

from ..errors import LedgerError, StoreMemoryError
from ..tables import SCHEMA_ID, TABLES
from .codec import decode_analysis, encode_analysis, encode_vectors

log = logging.getLogger("corroborator")

SCHEMA_VERSION = "2"
# "1": the analyses' bytes were compressed by DuckDB (ZSTD), which decompresses a whole vector of 2,048 rows
# to read any one of them (60 MB for one analysis of a large store). They are zlib-compressed already, so
# "2" stores them uncompressed; a store of "1" is converted when opened for writing. The ledger tables are
# the same in both, so a reader opens either.
READABLE_VERSIONS = ("1", "2")

DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS analyses (doc_key VARCHAR PRIMARY KEY, article_id VARCHAR, path VARCHAR,
                                     payload BLOB USING COMPRESSION uncompressed,
                                     vectors BLOB USING COMPRESSION uncompressed);
CREATE TABLE IF NOT EXISTS inputs (path VARCHAR PRIMARY KEY, status VARCHAR, reason VARCHAR, article VARCHAR,
                                   doc_key VARCHAR);
CREATE TABLE IF NOT EXISTS articles (id VARCHAR, outlet VARCHAR, title VARCHAR, published VARCHAR,
                                     path VARCHAR, record JSON USING COMPRESSION uncompressed);
CREATE TABLE IF NOT EXISTS entities (id VARCHAR, name VARCHAR, type VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS quotes (id VARCHAR, article VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS claims (id VARCHAR, article VARCHAR, text VARCHAR, modality VARCHAR,
                                   record JSON);
CREATE TABLE IF NOT EXISTS stories (id VARCHAR, title VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS claim_groups (id VARCHAR, story VARCHAR, status VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS disputes (id VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS timeline (value VARCHAR, record JSON);
CREATE TABLE IF NOT EXISTS run (id INTEGER PRIMARY KEY, record JSON);
"""

def _table_ddl() -> dict:
    out = {}
    for stmt in DDL.split(";"):
        stmt = " ".join(stmt.split())
        if stmt.startswith("CREATE TABLE IF NOT EXISTS "):
            out[stmt.split()[5]] = stmt
    return out


LEDGER_TABLES = {
    "articles": ("id", "outlet", "title", "published", "path"),
    "entities": ("id", "name", "type"),
    "quotes": ("id", "article"),
    "claims": ("id", "article", "text", "modality"),
    "stories": ("id", "title"),
    "claim_groups": ("id", "story", "status"),
    "disputes": ("id",),
    "timeline": ("value",),
}


_INSERT_CHUNK = 20_000
RETRY_MAX_MB = 8192        # a statement that DuckDB cannot run within the memory cap runs again under a doubled
                           # cap, up to this
PUBLISH_ROWS, PUBLISH_BYTES = 1000, 1_000_000     # records written by one statement when a ledger is published
_TABLE_DDL = _table_ddl()

# staging tables: a table per ledger table, and the entities of each story ("parts") with what the merge
# across stories needs. DuckDB keeps only short columns (sort keys, ids) and where the rest lies in a scratch
# file beside the store (``off``, ``len``): sorting rows that carry whole records would need them in memory.
STAGE_TYPES = {
    "stage_articles": ("VARCHAR", "BIGINT", "INTEGER"),
    "stage_entities": ("INTEGER", "VARCHAR", "BIGINT", "INTEGER"),
    "stage_quotes": ("VARCHAR", "INTEGER", "BIGINT", "INTEGER"),
    "stage_claims": ("VARCHAR", "INTEGER", "BIGINT", "INTEGER"),
    "stage_stories": ("VARCHAR", "BIGINT", "INTEGER"),
    "stage_claim_groups": ("VARCHAR", "BIGINT", "INTEGER"),
    "stage_disputes": ("VARCHAR", "BIGINT", "INTEGER"),
    "stage_timeline": ("VARCHAR", "VARCHAR"),
    "stage_parts": ("INTEGER", "VARCHAR", "VARCHAR", "BOOLEAN", "VARCHAR", "BIGINT", "INTEGER"),
    "stage_strong": ("VARCHAR", "INTEGER"),
    "stage_members": ("VARCHAR", "INTEGER", "INTEGER"),
    "stage_roots": ("INTEGER", "INTEGER"),
    "stage_final": ("INTEGER", "VARCHAR"),
}
STAGE_TABLES = tuple(STAGE_TYPES)
STAGE_DDL = """
CREATE TABLE stage_articles (id VARCHAR, "off" BIGINT, len INTEGER);
CREATE TABLE stage_entities (pidx INTEGER, id VARCHAR, "off" BIGINT, len INTEGER);
CREATE TABLE stage_quotes (article VARCHAR, seq INTEGER, "off" BIGINT, len INTEGER);
CREATE TABLE stage_claims (article VARCHAR, seq INTEGER, "off" BIGINT, len INTEGER);
CREATE TABLE stage_stories (id VARCHAR, "off" BIGINT, len INTEGER);
CREATE TABLE stage_claim_groups (id VARCHAR, "off" BIGINT, len INTEGER);
CREATE TABLE stage_disputes (id VARCHAR, "off" BIGINT, len INTEGER);
CREATE TABLE stage_timeline (value VARCHAR, claim VARCHAR);
CREATE TABLE stage_parts (pidx INTEGER, story VARCHAR, eid VARCHAR, person BOOLEAN, "full" VARCHAR,
                          "off" BIGINT, len INTEGER);
CREATE TABLE stage_strong (key VARCHAR, pidx INTEGER);
CREATE TABLE stage_members (aid VARCHAR, lid INTEGER, pidx INTEGER);
CREATE TABLE stage_roots (pidx INTEGER, root INTEGER);
CREATE TABLE stage_final (pidx INTEGER, eid VARCHAR);
"""
# the ledger's order of each table
STAGE_ORDER = {"articles": "id", "entities": "id", "quotes": "article, seq", "claims": "article, seq",
               "stories": "id", "claim_groups": "id", "disputes": "id"}


def _text(value):
    return None if value is None else str(value)


def _upsert(con, table, types, rows) -> None:
    """``INSERT OR REPLACE`` of ``rows`` (tuples, at most one per primary key: callers keep the last one of a
    key, as row-by-row statements would) into ``table``, in one statement: column-wise, through ``unnest``
    (one statement per row costs DuckDB milliseconds each)."""
    rows = list(rows)
    if not rows:
        return
    columns = [list(c) for c in zip(*rows)]
    select = ", ".join(f"unnest(?::{t}[])" for t in types)
    con.execute(f"INSERT OR REPLACE INTO {table} SELECT {select}", columns)


class Store:
    """A ledger store at ``path`` (a file, or ``":memory:"``). Open with ``read_only=True`` to serve."""

    def __init__(self, path, read_only: bool = False):
        import duckdb
        self.path = str(path)
        self.memory_retries = 0          # statements run again under a raised memory cap (``run``)
        if read_only and self.path != ":memory:" and not pathlib.Path(self.path).exists():
            raise LedgerError(f"no ledger store at {self.path}; run 'corroborator analyze ... --out DIR' first")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise LedgerError(f"cannot open ledger store {self.path}: {str(exc).splitlines()[0]}") from exc
        # DuckDB draws its own progress bar on stdout for long queries; the CLI shows its own on stderr
        self.con.execute("SET enable_progress_bar = false")
        if not read_only:
            self._upgrade()
            self.con.execute(DDL)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        else:
            try:
                row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            except duckdb.Error as exc:
                raise LedgerError(f"{self.path} is not a corroborator ledger store") from exc
            if not row or row[0] not in READABLE_VERSIONS:
                raise LedgerError(f"{self.path} has ledger store schema {row and row[0]}, expected {SCHEMA_VERSION}")

    def _upgrade(self) -> None:
        """Convert a store of an older schema to this one, in one transaction (nothing is lost if it fails)."""
        import duckdb
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return                      # a new store (or not a store at all: DDL makes it one)
        if not row or row[0] == SCHEMA_VERSION:
            return
        if row[0] not in READABLE_VERSIONS:
            raise LedgerError(f"{self.path} has ledger store schema {row[0]}, expected {SCHEMA_VERSION}")
        ddl = _TABLE_DDL["analyses"].replace("TABLE IF NOT EXISTS analyses ", "TABLE analyses__v2 ")
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DROP TABLE IF EXISTS analyses__v2")
            self.con.execute(ddl)
            self.con.execute("INSERT INTO analyses__v2 SELECT doc_key, article_id, path, payload, vectors "
                             "FROM analyses ORDER BY rowid")
            self.con.execute("DROP TABLE analyses")
            self.con.execute("ALTER TABLE analyses__v2 RENAME TO analyses")
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("CHECKPOINT")

    # ------------------------------------------------------------ per-article work
    def known_doc_keys(self) -> set:
        return {r[0] for r in self.con.execute("SELECT doc_key FROM analyses").fetchall()}

    def put_results(self, analyses, inputs) -> None:
        """Commit finished analyses ``[(doc_key, ArticleAnalysis)]`` and input records in one transaction."""
        rows = {}
        for doc_key, an in analyses:
            payload, vectors = encode_analysis(an)
            rows[doc_key] = (doc_key, an.article.id, an.article.path, payload, vectors)
        recs = {rec["path"]: (rec["path"], rec["status"], rec["reason"], rec["article"], rec.get("doc_key"))
                for rec in inputs}
        self.con.execute("BEGIN TRANSACTION")
        try:
            _upsert(self.con, "analyses", ("VARCHAR", "VARCHAR", "VARCHAR", "BLOB", "BLOB"), rows.values())
            _upsert(self.con, "inputs", ("VARCHAR",) * 5, recs.values())
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def put_vectors(self, analyses) -> None:
        """Replace the stored vectors of ``[(doc_key, ArticleAnalysis)]`` (claims embedded at link time)."""
        vectors = {doc_key: encode_vectors(an) for doc_key, an in analyses}   # the last one of a key wins
        if vectors:                     # one statement: all of it or none
            self.run("UPDATE analyses SET vectors = v.vectors FROM (SELECT unnest(?::VARCHAR[]) AS doc_key, "
                     "unnest(?::BLOB[]) AS vectors) AS v WHERE analyses.doc_key = v.doc_key",
                     [list(vectors), list(vectors.values())])

    def put_inputs(self, inputs) -> None:
        self.put_results([], inputs)

    def drop_inputs(self, paths) -> None:
        """Forget the input records of ``paths`` (a URL whose earlier failure is stale: it gave a page now)."""
        if paths:
            self.con.execute("DELETE FROM inputs WHERE path IN (SELECT unnest(?::VARCHAR[]))", [list(paths)])

    def inputs(self) -> list:
        rows = self.con.execute("SELECT path, status, reason, article, doc_key FROM inputs ORDER BY path").fetchall()
        return [{"path": p, "status": s, "reason": r, "article": a, "doc_key": k} for p, s, r, a, k in rows]

    def analyses(self, doc_keys=None, chunk: int = 256):
        """Yield ``(doc_key, ArticleAnalysis)`` for every stored analysis (or just ``doc_keys``), in doc_key
        order, ``chunk`` rows fetched at a time (one query per chunk of keys: a single query ordered over the
        whole table would make DuckDB sort every payload in memory first)."""
        if doc_keys is None:
            keys = [r[0] for r in self.con.execute("SELECT doc_key FROM analyses ORDER BY doc_key").fetchall()]
        else:
            keys = sorted(set(doc_keys))
        for lo in range(0, len(keys), chunk):
            rows = self.con.execute("SELECT doc_key, payload, vectors FROM analyses WHERE doc_key IN "
                                    "(SELECT unnest(?)) ORDER BY doc_key", [keys[lo:lo + chunk]]).fetchall()
            for key, payload, vectors in rows:
                yield key, decode_analysis(payload, vectors)
            del rows

    def scan_analyses(self, doc_keys=None, window: int = 256):
        """Yield ``(doc_key, payload, vectors)`` (the stored bytes, undecoded) of every stored analysis (or just
        ``doc_keys``), in storage order, a window of rows at a time: a range of rowids is the one access that
        DuckDB serves without scanning the whole column, so memory stays bounded for a store of any size."""
        wanted = None if doc_keys is None else set(doc_keys)
        top = self.con.execute("SELECT max(rowid) FROM analyses").fetchone()[0]
        if top is None:
            return
        for lo in range(0, top + 1, window):
            rows = self.run("SELECT doc_key, payload, vectors FROM analyses WHERE rowid >= ? AND rowid < ?",
                            [lo, lo + window]).fetchall()
            for row in rows:
                if wanted is None or row[0] in wanted:
                    yield row
            del rows

    def limit_memory(self, megabytes: int | None) -> None:
        """Cap DuckDB's own memory (its cache of table blocks, its sorts) at ``megabytes``; beyond it, sorts
        spill to a temporary folder beside the store. ``None``: DuckDB's default. A store in memory is not
        capped (it has nowhere to spill). Where DuckDB holds more than a lower cap and cannot let it go yet
        (pinned blocks), the cap in effect stays higher until the next statement run through ``run``."""
        self._cap = megabytes
        self._apply_cap()

    def _apply_cap(self) -> None:
        """Set DuckDB's cap to the one asked for (``_cap``) where it is not in effect yet; where DuckDB cannot
        lower it yet, no matter (the next statement run through ``run`` tries again)."""
        want = getattr(self, "_cap", None)
        if self.path != ":memory:" and getattr(self, "_in_effect", "unset") != want:
            self._set_limit(want)

    def _set_limit(self, megabytes) -> bool:
        """DuckDB's cap set to ``megabytes`` (None: its default) through a cursor of its own (a statement on the
        store's connection would discard a result not yet read); False where DuckDB holds more than that in
        blocks in use and cannot lower it yet."""
        import duckdb
        cur = self.con.cursor()
        try:
            cur.execute("RESET memory_limit" if megabytes is None else f"SET memory_limit = '{int(megabytes)}MB'")
        except duckdb.OutOfMemoryException:
            return False
        finally:
            cur.close()
        self._in_effect = megabytes
        return True

    def release_cache(self) -> None:
        """Hand back what DuckDB caches of the blocks it read (it keeps them up to its cap, and a pass that reads
        a table once leaves the cache full for nothing): the cap is lowered to 1 MB, which evicts every block
        not in use, and set back."""
        if self.path == ":memory:":
            return
        self._set_limit(1)
        self._apply_cap()

    def memory_mb(self) -> float:
        """What DuckDB holds now (its cache of blocks, indexes, intermediate results), in MB."""
        row = self.con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
        return (row[0] or 0) / 1e6

    @contextlib.contextmanager
    def memory_cap(self, megabytes: int | None):
        """``limit_memory(megabytes)`` for the ``with`` block, then the cap there was before."""
        before = getattr(self, "_cap", None)
        self.limit_memory(megabytes)
        try:
            yield self
        finally:
            self.limit_memory(before)

    @contextlib.contextmanager
    def errors(self):
        """DuckDB's exceptions raised in the ``with`` block turned into corroborator's own (DuckDB's never leave
        ``store/``): ``StoreMemoryError`` where DuckDB ran out of memory (in a statement, or in a commit
        writing out what it holds: a failed commit leaves what it wrote behind, so the caller must not run
        that statement again but start over), else ``LedgerError``."""
        import duckdb
        try:
            yield self
        except duckdb.Error as exc:
            line = (str(exc).splitlines() or [type(exc).__name__])[0]
            if _short_of_memory(exc):
                raise StoreMemoryError(f"DuckDB ran out of memory ({line})") from exc
            raise LedgerError(f"the ledger store {self.path} failed: {line}") from exc

    def run(self, sql: str, params=(), con=None):
        """``con.execute(sql, params)`` (the store's connection by default) under the memory cap.

        Some statements need a floor of memory whatever their input (a hash join takes some 10 MB of blocks for
        a few hundred rows, an index grows with its table), and what else DuckDB holds pinned at that moment
        varies: a statement that fails for want of memory runs again with the cap doubled (up to
        ``RETRY_MAX_MB``), and the cap is set back after it (DuckDB has run the statement by then; reading its
        result takes no more). A failed statement changes nothing, so running it again is safe. Counted in
        ``memory_retries``."""
        import duckdb
        con = self.con if con is None else con
        self._apply_cap()                  # a cap raised for an earlier statement lowered again where it can be
        cap = getattr(self, "_cap", None)
        try:
            while True:
                try:
                    return con.execute(sql, list(params))
                except duckdb.OutOfMemoryException:
                    if cap is None or self.path == ":memory:" or cap >= RETRY_MAX_MB:
                        raise
                    cap = min(cap * 2, RETRY_MAX_MB)
                    self.memory_retries += 1
                    log.info("store: DuckDB needed more memory than its cap for one statement; "
                             "running it again under %d MB", cap)
                    self._set_limit(cap)
        finally:
            self._apply_cap()

    def article_keys(self, doc_keys) -> list:
        """``(doc_key, article id)`` of the stored analyses of ``doc_keys``, in doc_key order."""
        keys = sorted(set(doc_keys))
        if not keys:
            return []
        return self.con.execute("SELECT doc_key, article_id FROM analyses WHERE doc_key IN (SELECT unnest(?)) "
                                "ORDER BY doc_key", [keys]).fetchall()

    # ------------------------------------------------------------ staging of a ledger (linking story by story)
    def stage_begin(self) -> None:
        """Empty staging tables and a scratch file: the ledger's records are written there story by story,
        then published at once in the ledger's order (``stage_publish``)."""
        import tempfile
        for name in STAGE_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        self.con.execute(STAGE_DDL)
        folder = None if self.path == ":memory:" else str(pathlib.Path(self.path).resolve().parent)
        self._blobs = tempfile.TemporaryFile(prefix="corroborator-stage-", dir=folder)
        self._blob_end = 0

    def stage_end(self) -> None:
        """Drop the staging tables and scratch file, and write what the log holds into the store file now,
        under the caller's memory cap (DuckDB would otherwise do it in the next reader, all at once)."""
        for name in STAGE_TABLES + tuple(f"{t}__new" for t in LEDGER_TABLES):
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        if self.path != ":memory:":
            import duckdb
            try:
                self.con.execute("CHECKPOINT")
            except duckdb.Error:        # after a failure: DuckDB checkpoints later, and the failure is what counts
                pass
        blobs = getattr(self, "_blobs", None)
        if blobs is not None:
            blobs.close()
            self._blobs = None

    def stage_blob(self, text: str) -> tuple:
        """Keep ``text`` in the scratch file; returns its ``(off, len)``."""
        data = text.encode("utf-8", "surrogatepass")
        self._blobs.seek(self._blob_end)
        self._blobs.write(data)
        off = self._blob_end
        self._blob_end += len(data)
        return off, len(data)

    def stage_read(self, off: int, length: int) -> str:
        self._blobs.seek(off)
        return self._blobs.read(length).decode("utf-8", "surrogatepass")

    def stage(self, table: str, rows) -> None:
        """Append ``rows`` (tuples in the column order of ``table``) to staging table ``table``."""
        rows = list(rows)
        if not rows:
            return
        types = STAGE_TYPES[table]
        columns = [list(c) for c in zip(*rows)]
        select = ", ".join(f"unnest(?::{t}[])" for t in types)
        self.run(f"INSERT INTO {table} SELECT {select}", columns)

    def stage_query(self, sql: str, params=(), size: int = 2048):
        """Rows of a query over the staging tables, streamed (through a cursor of its own: the store may be
        written while they are read)."""
        cur = self.con.cursor()
        self.run(sql, params, con=cur)
        while True:
            rows = cur.fetchmany(size)
            if not rows:
                break
            yield from rows

    def stage_publish(self, run: dict) -> None:
        """Replace the ledger tables with the staged records, each table in the ledger's order, and the run.

        Each table is first written whole under a new name, its rows in the ledger's order (DuckDB sorts the
        short staged rows; the records are read from the scratch file in that order), then all are swapped in
        at once, in one short transaction: a reader sees the old ledger or the new one, never a mix."""
        for table, cols in LEDGER_TABLES.items():
            self.con.execute(f"DROP TABLE IF EXISTS {table}__new")
            self.con.execute(_TABLE_DDL[table].replace(f"TABLE IF NOT EXISTS {table} ", f"TABLE {table}__new "))
            if table == "timeline":
                continue
            select = ", ".join(["unnest(?::VARCHAR[])"] * len(cols) + ["unnest(?::VARCHAR[])::JSON"])
            chunk = []

            def flush():
                if chunk:
                    recs = [json.loads(r) for r in chunk]
                    columns = [[_text(_column(table, rec, c)) for rec in recs] for c in cols] + [chunk[:]]
                    self.run(f"INSERT INTO {table}__new SELECT {select}", columns)
                    chunk.clear()

            # where each record lies, in the ledger's order, fetched whole (12 bytes a record) before writing:
            # a cursor left open would hold a transaction, and DuckDB would not checkpoint the rows written
            # until it closed, then write them all at once (hundreds of MB for 10,000 articles)
            cur = self.con.cursor()
            where = self.run(f'SELECT "off", len FROM stage_{table} ORDER BY {STAGE_ORDER[table]}', con=cur).fetchnumpy()
            cur.close()
            size = 0
            for lo in range(0, len(where["off"]), PUBLISH_ROWS):
                # a slice at a time: the whole column as Python ints would take ten times the array
                offs, lens = where["off"][lo:lo + PUBLISH_ROWS].tolist(), where["len"][lo:lo + PUBLISH_ROWS].tolist()
                for off, length in zip(offs, lens):
                    chunk.append(self.stage_read(off, length))
                    size += length
                    if len(chunk) >= PUBLISH_ROWS or size >= PUBLISH_BYTES:   # a statement's values are held at once
                        flush()
                        size = 0
            flush()
            del where
        batch = []
        value, ids = None, []
        cur = self.run("SELECT DISTINCT value, claim FROM stage_timeline ORDER BY value, claim")
        while True:
            rows = cur.fetchmany(4096)
            for v, c in rows:
                if v != value and ids:
                    batch.append((value, json.dumps({"value": value, "claims": ids}, ensure_ascii=False)))
                    ids = []
                value = v
                ids.append(c)
            if not rows:
                break
        if ids:
            batch.append((value, json.dumps({"value": value, "claims": ids}, ensure_ascii=False)))
        for lo in range(0, len(batch), _INSERT_CHUNK):
            part = batch[lo:lo + _INSERT_CHUNK]
            self.run("INSERT INTO timeline__new SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])::JSON",
                     [[v for v, _ in part], [r for _, r in part]])
        del batch
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in LEDGER_TABLES:
                self.con.execute(f"DROP TABLE {table}")
                self.con.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
            self.con.execute("DELETE FROM run")
            self.con.execute("INSERT INTO run VALUES (1, ?)", [json.dumps(run, ensure_ascii=False)])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def iter_records(self, table: str, size: int = 256, window_bytes: int = 2_000_000):
        """The JSON text of each record of ledger table ``table``, in the ledger's order, streamed."""
        if table not in LEDGER_TABLES:
            raise LedgerError(f"unknown ledger table {table!r}")
        # windows of rowids: one query over the whole table would be materialised (and sorted) at once; a
        # window holds about ``window_bytes`` of records (an article's record is ten times a claim's)
        top = self.con.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
        if top is None:
            return
        cur = self.con.cursor()
        lo = 0
        while lo <= top:
            rows = cur.execute(f"SELECT record FROM {table} WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
                               [lo, lo + size]).fetchall()
            lo += size
            got = sum(len(r) for (r,) in rows)
            if rows:
                size = max(16, min(8192, int(size * window_bytes / max(got, 1))))
            for (r,) in rows:
                yield r

    def run_record(self) -> dict:
        row = self.con.execute("SELECT record FROM run WHERE id = 1").fetchone()
        if row is None:
            raise LedgerError(f"{self.path} holds no finished ledger yet; rerun 'corroborator analyze'")
        return json.loads(row[0])

    # ------------------------------------------------------------ ledger tables
    def write_ledger(self, ledger: dict) -> None:
        """Replace the ledger tables with ``ledger`` (contract format) in one transaction."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, cols in LEDGER_TABLES.items():
                self.con.execute(f"DELETE FROM {table}")
                recs = ledger.get(table, [])
                # column-wise, a chunk at a time: one INSERT ... SELECT unnest(...) per chunk is orders of
                # magnitude faster than a row-by-row executemany; row order (rowid) stays the ledger's
                for lo in range(0, len(recs), _INSERT_CHUNK):
                    chunk = recs[lo:lo + _INSERT_CHUNK]
                    columns = [[_text(_column(table, rec, c)) for rec in chunk] for c in cols]
                    columns.append([json.dumps(rec, ensure_ascii=False) for rec in chunk])
                    select = ", ".join(["unnest(?::VARCHAR[])"] * len(cols) + ["unnest(?::VARCHAR[])::JSON"])
                    self.con.execute(f"INSERT INTO {table} SELECT {select}", columns)
            self.con.execute("DELETE FROM run")
            self.con.execute("INSERT INTO run VALUES (1, ?)", [json.dumps(ledger["run"], ensure_ascii=False)])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def read_table(self, table: str) -> list:
        if table not in LEDGER_TABLES:
            raise LedgerError(f"unknown ledger table {table!r}")
        # rows come back in the order the ledger listed them (insertion order)
        return [json.loads(r[0]) for r in self.con.execute(f"SELECT record FROM {table} ORDER BY rowid").fetchall()]

    def read_ledger(self) -> dict:
        """The whole ledger (contract format) as stored by the last run."""
        out = self.read_ledger_head()
        for t in TABLES:
            out[t] = self.read_table(t)
        return out

    def table_counts(self) -> dict:
        """Rows of each ledger table."""
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in LEDGER_TABLES}

    def read_stories(self, story_ids) -> dict:
        """The part of the ledger about ``story_ids``, in the contract's format: those stories, their claim
        groups, articles, claims and quotes; the entities mentioned in those articles (with those mentions
        only); the timeline's dates of those claims. Read table by table, never the whole ledger at once."""
        ids = sorted(set(story_ids))
        data = self.read_ledger_head()
        data["stories"] = self._records("stories", "id", ids)
        articles = sorted({a for s in data["stories"] for a in s["articles"]})
        data["articles"] = self._records("articles", "id", articles)
        data["quotes"] = self._records("quotes", "article", articles)
        data["claims"] = self._records("claims", "article", articles)
        data["claim_groups"] = self._records("claim_groups", "story", ids)
        shown_claims = {c["id"] for c in data["claims"]}
        data["disputes"] = [d for d in map(json.loads, self.iter_records("disputes"))
                            if any(c in shown_claims for c in d["claims"])]
        shown = set(articles)
        data["entities"] = []
        for rec in self.iter_records("entities"):
            e = json.loads(rec)
            mentions = [m for m in e["mentions"] if m["article"] in shown]
            if mentions:
                e["mentions"] = mentions
                data["entities"].append(e)
        claims = {c["id"] for c in data["claims"]}
        data["timeline"] = []
        for rec in self.iter_records("timeline"):
            t = json.loads(rec)
            t["claims"] = [c for c in t["claims"] if c in claims]
            if t["claims"]:
                data["timeline"].append(t)
        return data

    def read_ledger_head(self) -> dict:
        """``schema`` and ``run`` of the stored ledger (a ``LedgerError`` when no run finished)."""
        row = self.con.execute("SELECT record FROM run WHERE id = 1").fetchone()
        if row is None:
            raise LedgerError(f"{self.path} holds no finished ledger yet; rerun 'corroborator analyze'")
        return {"schema": SCHEMA_ID, "run": json.loads(row[0])}

    def _records(self, table: str, column: str, values: list) -> list:
        if not values:
            return []
        return [json.loads(r[0]) for r in self.con.execute(
            f"SELECT record FROM {table} WHERE {column} IN (SELECT unnest(?)) ORDER BY rowid", [values]).fetchall()]

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _column(table: str, rec: dict, name: str):
    """A ledger record's value for one of its table's columns (a dispute's id: its two claims)."""
    if table == "disputes" and name == "id":
        return "|".join(sorted(rec["claims"]))
    return rec.get(name)


def _short_of_memory(exc) -> bool:
    """DuckDB ran out of memory: in a statement, or where a commit wrote out what it holds."""
    import duckdb
    return isinstance(exc, duckdb.OutOfMemoryException) or (isinstance(exc, duckdb.TransactionException) and any(
        s in str(exc) for s in ("could not allocate block", "failed to pin block", "Out of Memory")))


def open_store(path, read_only: bool = False) -> Store:
    return Store(path, read_only=read_only)
