"""The ledger: the contract's ``ledger.json`` built from the pipeline's records, and the ``Ledger`` API."""
from __future__ import annotations

import json
import logging
import pathlib

from .errors import StoreMemoryError
from .tables import SCHEMA_ID, TABLES, schema

log = logging.getLogger("corroborator")

__all__ = ["SCHEMA_ID", "TABLES", "Ledger", "build_ledger", "validate", "schema"]
READ_MEMORY_MB = 16          # DuckDB's cache while ledger.json is streamed from the store
MAX_READ_MEMORY_MB = 4096    # ... raised up to this when a store needs more


def article_record(a, derivations) -> dict:
    """The ledger record of an ``Article`` (``derivations``: those of which it is the later article)."""
    return {
        "id": a.id, "path": a.path, "url": a.url, "outlet": a.outlet, "title": a.title,
        "authors": list(a.authors), "published": a.published, "published_from": a.published_from,
        "published_not_before": a.published_not_before, "text": a.text,
        "source_map": [list(r) for r in a.source_map],
        "headings": [{"start": s, "end": e} for s, e in a.headings],
        "captions": [{"text": c.text, "source_start": c.source_start} for c in a.captions],
        "removed": [{"text": r.text, "kind": r.kind, "source_start": r.source_start} for r in a.removed],
        "derived_from": [{"article": d.source, "share": round(float(d.share), 4)} for d in derivations],
    }


def quote_records(an, entity_map) -> list:
    """The ledger records of an article's quotes, in the ledger's order."""
    aid = an.article.id
    return [{
        "id": q.id, "article": aid, "start": q.start, "end": q.end, "kind": q.kind,
        "speaker": {"entity": entity_map.get((aid, q.speaker_entity)) if q.speaker_entity is not None else None,
                    "text": q.speaker_text, "start": q.speaker_start, "end": q.speaker_end,
                    "description": q.speaker_description},
        "cue": ({"text": q.cue_text, "start": q.cue_start, "end": q.cue_end}
                if q.cue_text is not None else None),
    } for q in sorted(an.quotes, key=lambda q: (q.start, q.end))]


def claim_records(an, entity_map) -> list:
    """The ledger records of an article's claims, in the ledger's order."""
    aid = an.article.id
    return [{
        "id": c.id, "article": aid, "start": c.start, "end": c.end, "text": c.text,
        "attribution": {"kind": c.attribution,
                        "entity": entity_map.get((aid, c.speaker_entity)) if c.speaker_entity is not None else None,
                        "quote": c.quote},
        "modality": c.modality,
        "entities": sorted({entity_map[(aid, e)] for e in c.entities if (aid, e) in entity_map}),
        "quantities": [{"start": q.start, "end": q.end, "value": q.value, "low": q.low, "high": q.high,
                        "unit": q.unit, "approximate": bool(q.approximate)} for q in c.quantities],
        "times": [{"start": t.start, "end": t.end, "value": t.value} for t in c.times],
    } for c in sorted(an.claims, key=lambda c: (c.start, c.end))]


def entity_record(e) -> dict:
    return {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
            "mentions": [{"article": a, "start": s, "end": t} for a, s, t in e.mentions]}


def story_record(s) -> dict:
    return {"id": s.id, "title": s.title, "articles": list(s.articles)}


def group_record(g) -> dict:
    return {"id": g.id, "story": g.story, "claims": list(g.claims), "status": g.status,
            "outlets": list(g.outlets), "independent_outlets": int(g.independent_outlets),
            "fact": g.fact, "confidence": g.confidence,
            "links": [dict(x) for x in g.links], "related": [dict(x) for x in g.related],
            "conflicts": [{"claims": list(c.claims), "kind": c.kind, "detail": c.detail} for c in g.conflicts]}


def dispute_record(d) -> dict:
    return {"claims": list(d.claims), "speakers": list(d.speakers), "detail": d.detail}


def dispute_id(d) -> str:
    """A dispute's key in the store (the ledger's order): its two claims."""
    return "|".join(sorted(d.claims))


def build_ledger(run, analyses, stories, entities, entity_map, derivations, groups, timeline, disputes=()) -> dict:
    """Assemble the ledger dict (contract format) from the records of every stage."""
    analyses = sorted(analyses, key=lambda x: x.article.id)
    derived = {}                     # article id -> its derivations, in the order given
    for d in derivations:
        derived.setdefault(d.article, []).append(d)
    quotes, claims = [], []
    for an in analyses:
        quotes.extend(quote_records(an, entity_map))
        claims.extend(claim_records(an, entity_map))
    return {
        "schema": SCHEMA_ID,
        "run": run,
        "articles": [article_record(an.article, derived.get(an.article.id, ())) for an in analyses],
        "entities": [entity_record(e) for e in sorted(entities, key=lambda e: e.id)],
        "quotes": quotes,
        "claims": claims,
        "stories": [story_record(s) for s in sorted(stories, key=lambda s: s.id)],
        "claim_groups": [group_record(g) for g in sorted(groups, key=lambda g: g.id)],
        "disputes": [dispute_record(d) for d in sorted(disputes, key=dispute_id)],
        "timeline": [{"value": v, "claims": list(ids)} for v, ids in timeline],
    }


def timeline_entries(an) -> list:
    """``(value, claim id)`` of an article's dated claims (what the timeline lists; see ``assess.timeline``)."""
    from .assess.timeline import dated
    return [(v, c.id) for c in an.claims for v in dated(c)]


def validate(data: dict) -> None:
    """Raise ``jsonschema.ValidationError`` when ``data`` is not a valid ledger."""
    import jsonschema
    jsonschema.validate(data, schema())


def _table_pieces(key, records, first: bool):
    """One top-level entry of ledger.json: ``"key": [`` then each record (JSON text) on its own line."""
    yield ("\n " if first else ",\n ") + json.dumps(key) + ": "
    n = 0
    for rec in records:
        yield ("[\n  " if n == 0 else ",\n  ") + rec
        n += 1
    yield "\n ]" if n else "[]"


def _write_pieces(path, pieces):
    path = pathlib.Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)                # a reader never sees half a ledger
    return path


def write_ledger_json(store, path):
    """Write ledger.json from the ledger tables of ``store``, record by record (never the whole ledger in
    memory); the same text as ``Ledger.to_json`` of the same ledger."""
    def pieces():
        yield "{"
        yield "\n " + json.dumps("schema") + ": " + json.dumps(SCHEMA_ID)
        yield ",\n " + json.dumps("run") + ": " + json.dumps(store.run_record(), ensure_ascii=False)
        for table in TABLES:
            yield from _table_pieces(table, store.iter_records(table), first=False)
        yield "\n}\n"

    cap = READ_MEMORY_MB
    while True:
        try:
            with store.errors(), store.memory_cap(cap):     # DuckDB would otherwise cache every block it reads
                return _write_pieces(path, pieces())
        except StoreMemoryError:
            # a store written by an older version holds its articles compressed in large blocks: read it with
            # more memory rather than fail (the file written so far is discarded; ledger.json stays whole)
            if cap >= MAX_READ_MEMORY_MB:
                raise
            cap *= 4
            log.info("ledger.json: DuckDB needed more than its cap; writing again with %d MB", cap)


_STORE_OPENER = None


def set_store_opener(open_read_only) -> None:
    """How ``Ledger.lazy`` opens a store: ``open_read_only(path)`` returns a store (a context manager with
    ``run_record()`` and ``read_table(name)``). Set by ``pipeline``, which knows both: the ledger and the store
    do not import each other (the schema id and the tables they share are in ``tables``)."""
    global _STORE_OPENER
    _STORE_OPENER = open_read_only


class Ledger:
    """A whole ledger: the contract's tables as lists of records (``ledger.claims``) or DataFrames.

    ``Ledger.lazy(store path)`` reads the tables from a ledger store on first use (what ``analyze`` returns
    when it wrote a store: a large ledger is only loaded when asked for)."""

    def __init__(self, data: dict | None = None, loader=None):
        self._data = data
        self._loader = loader          # name -> that part of the ledger ("run" or a table)
        self._parts = {}

    @classmethod
    def lazy(cls, store_path) -> "Ledger":
        """A ledger read from the store at ``store_path`` one table at a time, when first used (the store is
        opened by the function given to ``set_store_opener``)."""
        if _STORE_OPENER is None:
            raise RuntimeError("no store opener set: import corroborator (its pipeline sets one)")

        def load(name):
            with _STORE_OPENER(store_path) as st:
                return st.run_record() if name == "run" else st.read_table(name)
        return cls(loader=load)

    def _part(self, name):
        if self._data is not None:
            return self._data[name]
        if name not in self._parts:
            self._parts[name] = self._loader(name)
        return self._parts[name]

    @property
    def data(self) -> dict:
        if self._data is None:
            data = {"schema": SCHEMA_ID, "run": self._part("run")}
            for t in TABLES:
                data[t] = self._part(t)
            self._data, self._parts = data, {}
        return self._data

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in TABLES or name == "run":
            return self._part(name)
        raise AttributeError(name)

    def table(self, name: str):
        """One table as a pandas DataFrame (nested fields stay as Python objects)."""
        import pandas as pd
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLES)}")
        return pd.DataFrame.from_records(self._part(name))

    def to_arrow(self, name: str):
        """One table as a pyarrow Table."""
        import pyarrow as pa
        return pa.Table.from_pylist(self._part(name))

    def _json_pieces(self):
        """ledger.json as pieces of text: the top level and each table's list laid out over lines, each
        record on one line of its own (compact, by the C encoder: much faster than indenting every nested
        field, and a record is one line for grep and diff)."""
        data = self.data
        yield "{"
        for i, (key, value) in enumerate(data.items()):
            if isinstance(value, list) and value:
                yield from _table_pieces(key, (json.dumps(rec, ensure_ascii=False) for rec in value), i == 0)
            else:
                yield ("\n " if i == 0 else ",\n ") + json.dumps(key) + ": " + json.dumps(value, ensure_ascii=False)
        yield "\n}\n"

    def to_json(self, path=None, indent: int | None = None):
        """The ledger as JSON text, one record per line (``indent``: every nested field indented instead);
        with ``path``, written there piece by piece instead (a large ledger is never held twice, as records
        and as one string), and the path is returned."""
        if indent is not None:
            pieces = [json.dumps(self.data, ensure_ascii=False, indent=indent)]
        else:
            pieces = self._json_pieces()
        if path is None:
            return "".join(pieces)
        return _write_pieces(path, pieces)

    @classmethod
    def from_json(cls, path) -> "Ledger":
        return cls(json.loads(pathlib.Path(path).read_text(encoding="utf-8")))

    def __repr__(self):
        counts = ", ".join(f"{t}={len(self.data.get(t, []))}" for t in TABLES)
        return f"<Ledger {counts}>"
