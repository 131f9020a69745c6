"""Read a stored ledger piece by piece, for ``corroborator serve``: SQL over the store, never the whole ledger.

``LedgerReader.open(path)`` attaches a ledger store read-only to an in-memory DuckDB and builds a few small
index tables there (which group holds a claim, which story an article, who speaks which quote or claim, which
entities an article mentions, one summary row per story). Every question a page or an API call asks is then
one or a few queries: a page of a list, one record, or the part of the ledger one page shows (a story, an
article, an entity) in the contract's format, which ``report.view.LedgerView`` renders as for report.html.

Memory: the index tables hold ids only (about 45 MB for a 10,000-article ledger of 270,000 claims) and sit
in a scratch database file that DuckDB caches up to ``MEMORY_MB``; records are read when asked for (the whole
ledger read into Python took 2.4 GB at 10,000 articles). Thread-safe without a lock: each thread queries
through its own cursor (``cursors.ThreadCursors``), and a query checks its thread's deadline, if any. The store
is a snapshot, so what every page shows (the counts, the timeline's dates) is counted once, at open.
"""
from __future__ import annotations

import json
import pathlib
import shutil
import tempfile
import weakref

from ..errors import LedgerError
from .cursors import ThreadCursors
from .rowids import RowIndex

STATUS_ORDER_SQL = ("CASE status WHEN 'conflicting' THEN 0 WHEN 'corroborated' THEN 1 "
                    "WHEN 'attributed_only' THEN 2 WHEN 'single_source' THEN 3 ELSE 9 END")
STATUSES = ("conflicting", "corroborated", "attributed_only", "single_source")
MEMORY_MB = 128
TABLES = ("articles", "entities", "quotes", "claims", "stories", "claim_groups", "timeline")
# (table, column) -> where its rows are: a key's rowids without a scan (rowids.RowIndex); the ix_* tables are
# the reader's own (rid: a row of the ledger table they name)
ROW_INDEXES = {("articles", "id"): "SELECT id, rowid FROM {db}articles",
               ("entities", "id"): "SELECT id, rowid FROM {db}entities",
               ("quotes", "id"): "SELECT id, rowid FROM {db}quotes",
               ("claims", "id"): "SELECT id, rowid FROM {db}claims",
               ("stories", "id"): "SELECT id, rowid FROM {db}stories",
               ("claim_groups", "id"): "SELECT id, rowid FROM {db}claim_groups",
               ("claims", "article"): "SELECT article, rowid FROM {db}claims",
               ("quotes", "article"): "SELECT article, rowid FROM {db}quotes",
               ("claim_groups", "story"): "SELECT story, rowid FROM {db}claim_groups",
               ("quotes", "speaker"): "SELECT speaker, rid FROM ix_quote_speaker",
               ("claims", "speaker"): "SELECT speaker, rid FROM ix_claim_speaker",
               ("ix_group_of", "claim"): "SELECT claim, rowid FROM ix_group_of",
               ("ix_story_of", "article"): "SELECT article, rowid FROM ix_story_of",
               ("ix_mentions", "article"): "SELECT article, rowid FROM ix_mentions"}
# tables a store may lack (contract v2 added them; a v1 store has none): read when present
OPTIONAL_TABLES = {"disputes": "SELECT unnest(from_json(record->'claims', '[\"VARCHAR\"]')), rowid FROM {db}disputes"}
# what a row index of a ledger table checks the key against (speaker rows hold no speaker column)
KEY_SQL = {"speaker": {"quotes": "record->'speaker'->>'entity'", "claims": "record->'attribution'->>'entity'"}}

_INDEXES = """
CREATE TABLE ix_group_of AS
  SELECT unnest(from_json(record->'claims', '["VARCHAR"]')) AS claim, id AS grp, status FROM {db}claim_groups;
CREATE TABLE ix_story_of AS
  SELECT unnest(from_json(record->'articles', '["VARCHAR"]')) AS article, id AS story FROM {db}stories;
CREATE TABLE ix_quote_speaker AS
  SELECT (record->'speaker'->>'entity') AS speaker, rowid AS rid FROM {db}quotes
  WHERE (record->'speaker'->>'entity') IS NOT NULL;
CREATE TABLE ix_claim_speaker AS
  SELECT (record->'attribution'->>'entity') AS speaker, rowid AS rid FROM {db}claims
  WHERE (record->'attribution'->>'entity') IS NOT NULL;
CREATE TABLE ix_mentions AS
  SELECT DISTINCT id AS entity, m.article AS article FROM
    (SELECT id, unnest(from_json(record->'mentions', '[{{"article": "VARCHAR"}}]')) AS m FROM {db}entities);
CREATE TABLE ix_entities AS
  SELECT id, name, type, json_array_length(record->'mentions') AS mentions,
         lower(name || ' ' || array_to_string(from_json(record->'aliases', '["VARCHAR"]'), ' ')) AS names,
         rowid AS rid
  FROM {db}entities;
CREATE TABLE ix_group_counts AS
  SELECT story, status, count(*) AS groups, sum(json_array_length(record->'claims')) AS claims
  FROM {db}claim_groups GROUP BY story, status;
CREATE TABLE ix_stories AS
  SELECT s.id, s.title, json_array_length(s.record->'articles') AS articles,
         (SELECT list(DISTINCT a.outlet ORDER BY a.outlet) FROM ix_story_of o JOIN {db}articles a ON a.id = o.article
          WHERE o.story = s.id AND a.outlet IS NOT NULL AND a.outlet <> '') AS outlets,
         (SELECT min(a.published) FROM ix_story_of o JOIN {db}articles a ON a.id = o.article
          WHERE o.story = s.id AND a.published IS NOT NULL AND a.published <> '') AS first_published,
         (SELECT max(a.published) FROM ix_story_of o JOIN {db}articles a ON a.id = o.article
          WHERE o.story = s.id AND a.published IS NOT NULL AND a.published <> '') AS last_published
  FROM {db}stories s;
"""


def _discard(con, scratch, cursors) -> None:
    """Close the reader's scratch database (its threads' cursors, then the connection), then remove its folder
    (the database first: DuckDB may write to its file when the last connection closes)."""
    try:
        cursors.close()
        con.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _loads(rows) -> list:
    return [json.loads(r[0]) for r in rows]


class LedgerReader:
    """SQL answers over one stored ledger (see the module docstring). Build with ``open`` or ``from_ledger``."""

    def __init__(self, con, db: str, keep=None, scratch=None):
        self._con, self._db, self._keep = con, db, keep
        self.scratch = scratch          # a folder of files only this reader uses (removed with it), or None
        for stmt in _INDEXES.format(db=db).split(";"):
            if stmt.strip():
                con.execute(stmt)
        row = con.execute(f"SELECT record FROM {db}run WHERE id = 1").fetchone()
        if row is None:
            raise LedgerError("the store holds no finished ledger yet; rerun 'corroborator analyze'")
        from ..tables import SCHEMA_ID
        self.head = {"schema": SCHEMA_ID, "run": json.loads(row[0])}
        self.run = self.head["run"]
        self._cursors = ThreadCursors(con)
        self._rows = {key: RowIndex(self._pairs(sql.format(db=db))) for key, sql in ROW_INDEXES.items()}
        self._optional = [t for t in OPTIONAL_TABLES if self._has_table(t)]
        for t in self._optional:                # claim -> the rows that name it
            self._rows[(t, "claim")] = RowIndex(self._pairs(OPTIONAL_TABLES[t].format(db=db)))
        self._counts = {t: self._count(t) for t in TABLES}
        self._status_counts = {kind: {s: int(n or 0) for s, n in self._q(
            f"SELECT status, sum({kind}) FROM ix_group_counts GROUP BY status")} for kind in ("groups", "claims")}
        self._story_titles = dict(self._q("SELECT id, title FROM {db}stories"))
        self._timeline_counts = self._q("SELECT value, json_array_length(record->'claims') FROM {db}timeline "
                                        "ORDER BY rowid")

    @classmethod
    def open(cls, path) -> "LedgerReader":
        """The ledger store at ``path``, attached read-only (a ``LedgerError`` when it is not a ledger store)."""
        import duckdb

        from .duckdb_store import Store
        with Store(path, read_only=True):            # checks that it exists and is a store of a readable schema
            pass
        # the index tables live in a scratch database file, removed with the reader: DuckDB caches them and
        # the store's blocks up to MEMORY_MB, so memory does not grow with the ledger
        scratch = tempfile.mkdtemp(prefix="corroborator-serve-")
        try:
            con = duckdb.connect(str(pathlib.Path(scratch) / "index.duckdb"))
            con.execute("SET enable_progress_bar = false")
            con.execute(f"SET memory_limit = '{MEMORY_MB}MB'")
            escaped = str(pathlib.Path(path).resolve()).replace("'", "''")
            con.execute(f"ATTACH '{escaped}' AS s (READ_ONLY)")
            reader = cls(con, "s.", scratch=scratch)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        weakref.finalize(reader, _discard, con, scratch, reader._cursors)
        return reader

    @classmethod
    def from_ledger(cls, ledger: dict) -> "LedgerReader":
        """A ledger dict (contract format), written into an in-memory store first."""
        from .duckdb_store import Store
        store = Store(":memory:")
        store.write_ledger(ledger)
        return cls(store.con, "", keep=store)

    # ------------------------------------------------------------ queries
    def _q(self, sql: str, params=()):
        return self._cursors.fetchall(sql.format(db=self._db), params)

    def _has_table(self, table: str) -> bool:
        import duckdb
        try:
            self._q(f"SELECT 1 FROM {{db}}{table} LIMIT 0")
            return True
        except duckdb.CatalogException:
            return False

    def _naming(self, table: str, claim_ids) -> list:
        """Records of an optional table (e.g. disputes) that name one of ``claim_ids``; none when it is absent."""
        ids = set(claim_ids)
        if (table, "claim") not in self._rows or not ids:
            return []
        rowids = self._rows[(table, "claim")].rowids(ids)
        if not rowids:
            return []
        got = _loads(self._q(f"SELECT record FROM {{db}}{table} WHERE rowid IN (SELECT unnest(?::BIGINT[])) "
                             f"ORDER BY rowid", [rowids]))
        return [r for r in got if any(c in ids for c in r.get("claims", []))]

    def _pairs(self, sql: str, size: int = 65536):
        """The rows of a two-column query, fetched in batches (the key index of 270,000 claims at once would
        hold every id as a Python string)."""
        cur = self._cursors.cursor()
        cur.execute(sql)
        while True:
            batch = cur.fetchmany(size)
            if not batch:
                return
            yield from batch

    def _by_key(self, table: str, column: str, keys, select: str = "record") -> list:
        """Rows of ``table`` (``select``, a record by default) whose ``column`` is one of ``keys``, in the
        table's order, read by rowid through the table's row index."""
        keys = {k for k in keys if k is not None}
        rowids = self._rows[(table, column)].rowids(keys)
        if not rowids:
            return []
        key = KEY_SQL.get(column, {}).get(table, column)
        db = "" if table.startswith("ix_") else "{db}"
        if len(rowids) == 1:
            rows = self._q(f"SELECT {key}, {select} FROM {db}{table} WHERE rowid = ?", rowids)
        else:
            rows = self._q(f"SELECT {key}, {select} FROM {db}{table} WHERE rowid IN (SELECT unnest(?::BIGINT[])) "
                           f"ORDER BY rowid", [rowids])
        return [r[1:] for r in rows if r[0] in keys]        # two keys may share a hash

    def _records(self, table: str, where: str = "TRUE", params=(), order: str = "rowid", limit=None,
                 offset: int = 0) -> list:
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        return _loads(self._q(f"SELECT record FROM {{db}}{table} WHERE {where} ORDER BY {order}{page}", params))

    def _count(self, table: str, where: str = "TRUE", params=()) -> int:
        return self._q(f"SELECT count(*) FROM {{db}}{table} WHERE {where}", params)[0][0]

    def _page(self, table, where="TRUE", params=(), order="rowid", limit=50, offset=0) -> tuple:
        return (self._count(table, where, params),
                self._records(table, where, params, order, limit, offset))

    @staticmethod
    def _where(*conditions) -> tuple:
        """``(sql, params)`` joining the conditions ``(sql with one ?, value)`` whose value is given."""
        given = [(sql, value) for sql, value in conditions if value]
        return " AND ".join(sql for sql, _ in given) or "TRUE", [value for _, value in given]

    def _in(self, table: str, column: str, values) -> list:
        """Records of ``table`` whose ``column`` is one of ``values``, in the ledger's order."""
        if (table, column) in self._rows:
            return _loads(self._by_key(table, column, values))
        values = sorted(set(v for v in values if v is not None))
        if not values:
            return []
        return self._records(table, f"{column} IN (SELECT unnest(?::VARCHAR[]))", [values])

    # ------------------------------------------------------------ counts and single records
    def counts(self) -> dict:
        return dict(self._counts)

    def group_status_counts(self) -> dict:
        return {s: self._status_counts["groups"].get(s, 0) for s in STATUSES}

    def claim_status_counts(self) -> dict:
        return {s: self._status_counts["claims"].get(s, 0) for s in STATUSES}

    def record(self, table: str, ident: str):
        if table not in TABLES or table == "timeline":
            raise LedgerError(f"no single records in table {table!r}")
        got = self._in(table, "id", [ident]) if isinstance(ident, str) else []
        return got[0] if got else None

    def story_of(self, article_ids) -> dict:
        return {a: s for a, s in self._by_key("ix_story_of", "article", article_ids, "article, story")}

    def groups_of(self, claim_ids) -> dict:
        """``{claim id: (group id, status)}`` for the claims that are in a group."""
        return {c: (g, s) for c, g, s in self._by_key("ix_group_of", "claim", claim_ids, "claim, grp, status")}

    def claims(self, claim_ids) -> dict:
        return {c["id"]: c for c in self._in("claims", "id", claim_ids)}

    def claim_ids_of_story(self, story_id: str) -> set:
        story = self.record("stories", story_id)
        return {r[0] for r in self._by_key("claims", "article", story["articles"], "id")} if story else set()

    def claim_texts(self, size: int = 4096):
        """``(claim id, text, story id)`` of every claim, in the ledger's order, a window of rowids at a time."""
        top = self._q("SELECT max(rowid) FROM {db}claims")[0][0]
        lo = 0
        while top is not None and lo <= top:
            yield from self._q("SELECT c.id, c.text, o.story FROM {db}claims c LEFT JOIN ix_story_of o "
                               "ON o.article = c.article WHERE c.rowid >= ? AND c.rowid < ? ORDER BY c.rowid",
                               [lo, lo + size])
            lo += size

    # ------------------------------------------------------------ pages of lists
    def story_summaries(self, q: str | None = None, limit: int = 50, offset: int = 0, ids=None) -> tuple:
        """``(total, [summary])``: stories by title (every word of ``q`` in the title), as ``LedgerView``
        summarises them."""
        where, params = ["TRUE"], []
        for w in (q or "").lower().split():
            where.append("contains(lower(title), ?)")
            params.append(w)
        if ids is not None:
            where.append("id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(sorted(ids))
        cond = " AND ".join(where)
        total = self._q(f"SELECT count(*) FROM ix_stories WHERE {cond}", params)[0][0]
        rows = self._q(f"SELECT id, title, articles, outlets, first_published, last_published FROM ix_stories "
                       f"WHERE {cond} ORDER BY title, id LIMIT {int(limit)} OFFSET {int(offset)}", params)
        counts: dict = {}
        if rows:
            for story, status, groups, claims in self._q(
                    "SELECT story, status, groups, claims FROM ix_group_counts "
                    "WHERE story IN (SELECT unnest(?::VARCHAR[]))", [[r[0] for r in rows]]):
                counts.setdefault(story, []).append((status, int(groups), int(claims or 0)))
        out = []
        for sid, title, n_articles, outlets, first, last in rows:
            group_counts = {k: 0 for k in STATUSES}
            claim_counts = {k: 0 for k in STATUSES}
            for status, groups, claims in counts.get(sid, []):
                group_counts[status] = group_counts.get(status, 0) + groups
                claim_counts[status] = claim_counts.get(status, 0) + claims
            out.append({"id": sid, "title": title, "articles": n_articles, "outlets": list(outlets or []),
                        "claims": sum(claim_counts.values()), "groups": sum(group_counts.values()),
                        "group_counts": group_counts, "claim_counts": claim_counts,
                        "first_published": first, "last_published": last})
        return total, out

    def story_summary(self, story_id: str):
        total, items = self.story_summaries(ids=[story_id], limit=1)
        return items[0] if items else None

    def claim_groups_page(self, story=None, status=None, limit=50, offset=0) -> tuple:
        where, params = self._where(("story = ?", story), ("status = ?", status))
        # json_array_length is unsigned: negating it overflows, so the order is DESC
        order = f"{STATUS_ORDER_SQL}, json_array_length(record->'claims') DESC, id" if story else "rowid"
        return self._page("claim_groups", where, params, order, limit, offset)

    def claims_page(self, article=None, status=None, limit=50, offset=0) -> tuple:
        where, params = self._where(("article = ?", article),
                                    ("id IN (SELECT claim FROM ix_group_of WHERE status = ?)", status))
        return self._page("claims", where, params, "rowid", limit, offset)

    def articles_page(self, outlet=None, limit=50, offset=0) -> tuple:
        where, params = self._where(("outlet = ?", outlet))
        return self._page("articles", where, params, "rowid", limit, offset)

    _META = "id, outlet, title, published, (record->>'published_not_before'), path"
    _META_KEYS = ("id", "outlet", "title", "published", "published_not_before", "path", "story", "story_title")

    def articles_meta_page(self, limit=50, offset=0) -> tuple:
        """Articles without their text: ``(total, [{id, outlet, title, published, published_not_before, path,
        story, story_title}])``, in the ledger's order."""
        ids = [r[0] for r in self._q(f"SELECT id FROM {{db}}articles ORDER BY rowid LIMIT {int(limit)} "
                                     f"OFFSET {int(offset)}")]
        return self._count("articles"), self.articles_meta(ids)

    def articles_meta(self, article_ids) -> list:
        """The same, for the articles ``article_ids``."""
        rows = self._by_key("articles", "id", article_ids, self._META)
        story = self.story_of(r[0] for r in rows)
        return [dict(zip(self._META_KEYS, (*r, story.get(r[0]), self._story_titles.get(story.get(r[0])))))
                for r in rows]

    def entities_page(self, type=None, q=None, limit=50, offset=0, by_mentions=False) -> tuple:
        cond, params = self._where(("type = ?", type), ("contains(names, ?)", q and q.lower()))
        total = self._q(f"SELECT count(*) FROM ix_entities WHERE {cond}", params)[0][0]
        order = "mentions DESC, name, id" if by_mentions else "rid"
        ids = [r[0] for r in self._q(f"SELECT id FROM ix_entities WHERE {cond} ORDER BY {order} "
                                     f"LIMIT {int(limit)} OFFSET {int(offset)}", params)]
        got = {e["id"]: e for e in self._in("entities", "id", ids)}
        return total, [got[i] for i in ids if i in got]

    def quotes_page(self, article=None, speaker=None, limit=50, offset=0) -> tuple:
        where, params = self._where(("article = ?", article),
                                    ("rowid IN (SELECT rid FROM ix_quote_speaker WHERE speaker = ?)", speaker))
        return self._page("quotes", where, params, "rowid", limit, offset)

    def timeline_page(self, limit=50, offset=0) -> tuple:
        return self._page("timeline", limit=limit, offset=offset)

    # ------------------------------------------------------------ the part of the ledger one page shows
    def _part(self, **tables) -> dict:
        data = dict(self.head)
        for t in (*TABLES, *self._optional):
            data[t] = tables.get(t, [])
        return data

    def story_part(self, story_id: str):
        """A story with its articles, claims, quotes, claim groups, the disputes naming its claims (a store
        with a disputes table) and the speakers they name; ``None`` when there is no such story."""
        story = self.record("stories", story_id)
        if story is None:
            return None
        articles = self._in("articles", "id", story["articles"])
        claims = self._in("claims", "article", story["articles"])
        quotes = self._in("quotes", "article", story["articles"])
        groups = self._in("claim_groups", "story", [story_id])
        disputes = self._naming("disputes", [c["id"] for c in claims])
        speakers = ({c["attribution"].get("entity") for c in claims}
                    | {e for d in disputes for e in d.get("speakers", []) if e})
        return self._part(stories=[story], articles=articles, claims=claims, quotes=quotes, claim_groups=groups,
                          entities=self._in("entities", "id", speakers), disputes=disputes)

    def article_part(self, article_id: str):
        """An article with its quotes, claims, their groups, the entities it mentions and its story; ``None``
        when there is no such article."""
        a = self.record("articles", article_id)
        if a is None:
            return None
        claims = self._in("claims", "article", [article_id])
        quotes = self._in("quotes", "article", [article_id])
        groups = self._in("claim_groups", "id", [g for g, _ in self.groups_of(c["id"] for c in claims).values()])
        mentioned = [r[0] for r in self._by_key("ix_mentions", "article", [article_id], "entity")]
        speakers = {q["speaker"].get("entity") for q in quotes}
        others = self._in("articles", "id", [d["article"] for d in a.get("derived_from", [])])
        story_id = self.story_of([article_id]).get(article_id)
        stories = [s for s in [story_id and self.record("stories", story_id)] if s]
        return self._part(articles=[a] + others, claims=claims, quotes=quotes, claim_groups=groups,
                          entities=self._in("entities", "id", set(mentioned) | speakers), stories=stories)

    def entity_part(self, entity_id: str, max_mentions: int = 200):
        """An entity with the articles of its first mentions, the quotes it speaks, the claims attributed to
        it (with their articles and groups); ``None`` when there is no such entity."""
        e = self.record("entities", entity_id)
        if e is None:
            return None
        quotes = self._in("quotes", "speaker", [entity_id])
        claims = self._in("claims", "speaker", [entity_id])
        wanted = ({m["article"] for m in e["mentions"][:max_mentions]} | {q["article"] for q in quotes}
                  | {c["article"] for c in claims})
        groups = self._in("claim_groups", "id", [g for g, _ in self.groups_of(c["id"] for c in claims).values()])
        return self._part(entities=[e], articles=self._in("articles", "id", wanted), quotes=quotes, claims=claims,
                          claim_groups=groups)

    def timeline_counts(self) -> list:
        """``[(value, number of claims)]`` of the whole timeline, oldest first."""
        return list(self._timeline_counts)

    def timeline_part(self, limit: int = 50, offset: int = 0, max_claims: int = 100) -> dict:
        """``limit`` timeline entries from ``offset``, each with its first ``max_claims`` claims (``more``: how
        many it leaves out), and the claims' articles without their text."""
        timeline = self._records("timeline", limit=limit, offset=offset)
        for t in timeline:
            t["more"] = max(len(t["claims"]) - max_claims, 0)
            t["claims"] = t["claims"][:max_claims]
        claims = self.claims(c for t in timeline for c in t["claims"])
        groups = self.groups_of(claims)
        articles = [{"id": i, "outlet": o, "title": t, "path": p, "published": d, "derived_from": []}
                    for i, o, t, p, d in self._by_key("articles", "id", {c["article"] for c in claims.values()},
                                                      "id, outlet, title, path, published")]
        return self._part(timeline=timeline, claims=list(claims.values()), articles=articles,
                          claim_groups=self._in("claim_groups", "id", {g for g, _ in groups.values()}))

    def close(self) -> None:
        self._cursors.close()
        self._con.close()
