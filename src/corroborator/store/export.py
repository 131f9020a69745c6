"""Export a ledger store as spreadsheets: CSV or Parquet files (one per table), or one .xlsx workbook.

    export_store("out/ledger.duckdb", "csv", "out/export")  -> [paths written]

What is written, for every format:
- ``facts``: one row per claim group, for a reader at a glance: the fact (the group's ``fact``, else the
  text of its first claim), status, confidence, outlets and conflicts (joined with "; "), the first and last
  publication date of its claims' articles, the story and how many claims and independent outlets;
- each ledger table (``articles``, ``entities``, ``quotes``, ``claims``, ``stories``, ``claim_groups``,
  ``timeline``, and ``disputes`` where the store has it), one column per field of its records; a nested
  field (a list, an object) is its JSON text;
- ``inputs``: the last run's inputs with their status and reason.

CSV and Parquet are written by DuckDB's own ``COPY ... TO``; the workbook by openpyxl (DuckDB's excel
extension is not installed with DuckDB and is fetched from the network), streamed row by row. A spreadsheet
cell holds at most 32,767 characters: longer values (an article's text) are cut there in the workbook, with
a mark; the CSV and Parquet files keep them whole. Text is never read as a formula.
"""
from __future__ import annotations

import json
import pathlib

from ..errors import LedgerError, UsageError
from .duckdb_store import LEDGER_TABLES, Store

FORMATS = ("csv", "parquet", "xlsx")
XLSX_CELL_MAX = 32_767
XLSX_ROWS_MAX = 1_048_576
CUT_MARK = " [cut: the CSV and Parquet exports hold the whole text]"
_FETCH = 2048

# how a field of the contract is typed in the export (anything else: its JSON text, or the string itself)
_SQL_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "string": "VARCHAR"}


def export_store(ledger_path, fmt: str, out_dir) -> list:
    """Write the ledger store at ``ledger_path`` as ``fmt`` (csv, parquet or xlsx) into ``out_dir``.

    Returns the paths written (``out_dir/TABLE.csv`` or ``.parquet`` per table, or ``out_dir/ledger.xlsx``).
    Raises ``UsageError`` for an unknown format, ``LedgerError`` for a missing or unfinished store.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with Store(ledger_path, read_only=True) as store:
        store.read_ledger_head()                 # a LedgerError when no run has finished
        queries = {"facts": facts_query()}
        for table in table_names(store):
            queries[table] = table_query(store, table)
        queries["inputs"] = INPUTS_QUERY
        if fmt == "xlsx":
            return [_write_xlsx(store, queries, out / "ledger.xlsx")]
        written = []
        for name, sql in queries.items():
            path = out / f"{name}.{fmt}"
            options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
            store.con.execute(f"COPY ({sql}) TO '{_sql_path(path)}' ({options})")
            written.append(path)
        return written


def table_names(store: Store) -> list:
    """The ledger tables of ``store``, in the contract's order (``disputes`` only where the store has it)."""
    present = {r[0] for r in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    names = [t for t in LEDGER_TABLES if t in present]
    if "disputes" in present and "disputes" not in names:
        names.append("disputes")
    return names


def _record_fields(table: str) -> dict:
    """``{field: JSON Schema type}`` of the records of ``table``, in the contract's order."""
    from ..tables import schema as ledger_schema
    schema = ledger_schema()
    items = schema.get("properties", {}).get(table, {}).get("items", {})
    fields = {}
    for name, spec in items.get("properties", {}).items():
        kind = spec.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        if kind is None and "enum" in spec:
            kind = "string"
        fields[name] = kind
    return fields


def table_query(store: Store, table: str) -> str:
    """A SELECT giving one column per field of ``table``'s records, in the ledger's order."""
    fields = _record_fields(table)
    # fields a record holds beyond the contract's list (a newer ledger than this schema) come last
    extra = [r[0] for r in store.con.execute(
        f"SELECT DISTINCT unnest(json_keys(record)) FROM {table}").fetchall() if r[0] not in fields]
    cols = []
    for name in list(fields) + sorted(extra):
        path = "'$." + json.dumps(name).replace("'", "''") + "'"
        kind = fields.get(name)
        if kind in _SQL_TYPES:
            expr = f"TRY_CAST(record->>{path} AS {_SQL_TYPES[kind]})"
        elif kind in ("array", "object"):
            expr = f"CAST(record->{path} AS VARCHAR)"
        else:       # unknown: a nested value as its JSON text, a scalar as itself
            expr = (f"CASE WHEN json_type(record->{path}) IN ('ARRAY', 'OBJECT') "
                    f"THEN CAST(record->{path} AS VARCHAR) ELSE record->>{path} END")
        cols.append(f"{expr} AS {_ident(name)}")
    return f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid"


def facts_query() -> str:
    """One row per claim group: what a fact-checker reads first."""
    return """
    WITH g AS (SELECT rowid AS r, id, story, status, record FROM claim_groups),
    gc AS (SELECT id, unnest(from_json(record->'$.claims', '["VARCHAR"]')) AS claim FROM g),
    dated AS (SELECT gc.id, min(TRY_CAST(a.published AS DATE)) AS first_published,
                     max(TRY_CAST(a.published AS DATE)) AS last_published, count(*) AS claims
              FROM gc JOIN claims c ON c.id = gc.claim LEFT JOIN articles a ON a.id = c.article
              GROUP BY gc.id),
    first_claim AS (SELECT g.id, c.text FROM g JOIN claims c ON c.id = g.record->>'$.claims[0]')
    SELECT g.id AS claim_group,
           coalesce(g.record->>'$.fact', first_claim.text) AS fact,
           g.status,
           TRY_CAST(g.record->>'$.confidence' AS DOUBLE) AS confidence,
           coalesce(array_to_string(json_extract_string(g.record, '$.outlets[*]'), '; '), '') AS outlets,
           TRY_CAST(g.record->>'$.independent_outlets' AS BIGINT) AS independent_outlets,
           coalesce(array_to_string(json_extract_string(g.record, '$.conflicts[*].detail'), '; '), '') AS conflicts,
           dated.first_published, dated.last_published,
           coalesce(dated.claims, 0) AS claims,
           g.story, s.title AS story_title
    FROM g LEFT JOIN dated ON dated.id = g.id LEFT JOIN first_claim ON first_claim.id = g.id
         LEFT JOIN stories s ON s.id = g.story
    ORDER BY g.r"""


INPUTS_QUERY = """
    SELECT i.path, i.status, i.reason, i.article
    FROM (SELECT unnest(from_json(record->'$.inputs',
          '[{"path": "VARCHAR", "status": "VARCHAR", "reason": "VARCHAR", "article": "VARCHAR"}]')) AS i
          FROM run WHERE id = 1)"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_path(path: pathlib.Path) -> str:
    return str(path).replace("'", "''")


def _write_xlsx(store: Store, queries: dict, path: pathlib.Path) -> pathlib.Path:
    """One sheet per query (facts first), streamed with openpyxl's write-only workbook."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise LedgerError("writing .xlsx needs the 'openpyxl' package (pip install openpyxl)") from None
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, sql in queries.items():
        n = store.con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
        if n >= XLSX_ROWS_MAX:
            raise UsageError(f"the {name} table has {n:,} rows, more than a spreadsheet holds; "
                             f"export it as csv or parquet")
        ws = wb.create_sheet(name)
        cur = store.con.cursor()
        cur.execute(sql)
        header = []
        for col in (d[0] for d in cur.description):
            c = WriteOnlyCell(ws, value=col)
            c.font = bold
            header.append(c)
        ws.append(header)
        while True:
            rows = cur.fetchmany(_FETCH)
            if not rows:
                break
            for row in rows:
                ws.append([_xlsx_cell(ws, v, WriteOnlyCell, ILLEGAL_CHARACTERS_RE) for v in row])
        cur.close()
    path_tmp = path.with_name(f".{path.name}.tmp")
    wb.save(path_tmp)
    path_tmp.replace(path)
    return path


def _xlsx_cell(ws, value, cell_type, illegal):
    if not isinstance(value, str):
        return value
    value = illegal.sub("", value)
    if len(value) > XLSX_CELL_MAX:
        value = value[:XLSX_CELL_MAX - len(CUT_MARK)] + CUT_MARK
    cell = cell_type(ws, value=value)
    cell.data_type = "s"        # untrusted text: "=..." stays text, never a formula
    return cell


__all__ = ["FORMATS", "export_store", "facts_query", "table_names", "table_query"]
