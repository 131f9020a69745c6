"""The command line: ``corroborator analyze | report | export | serve``.

Library errors become one line on stderr (a traceback only with ``--debug``). Exit status: 0 all inputs
analysed, 3 some inputs failed (the rest written), 2 usage error, 1 any other error.
"""
from __future__ import annotations

import argparse
import logging
import pathlib
import sys

from . import __version__
from .errors import CorroboratorError, UsageError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corroborator",
                                description="Claim-level evidence ledger for a story reported by several outlets.")
    p.add_argument("--version", action="version", version=f"corroborator {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    a = sub.add_parser("analyze", help="analyse articles into a ledger",
                       description="Analyse .html, .txt, .jsonl/.json and .warc(.gz) inputs (files or folders) "
                                   "and web pages or RSS/Atom feeds given by URL, and write ledger.duckdb, "
                                   "ledger.json and report.html into --out. Pages fetched are kept under "
                                   "--out/fetched, so that a rerun without network analyses the same pages.")
    a.add_argument("paths", nargs="*", metavar="PATH",
                   help="input file or folder (walked recursively), or the URL of an article or of a feed")
    a.add_argument("--urls", metavar="FILE", help="a text file of URLs (articles or feeds), one per line; "
                   "'#' starts a comment line")
    a.add_argument("--out", default="corroborator-out", metavar="DIR", help="output folder (default: %(default)s)")
    a.add_argument("--engine", choices=["local", "dask"], default="local", help="where per-article work runs")
    a.add_argument("--scheduler", metavar="ADDR", help="address of an existing Dask scheduler (with --engine dask)")
    a.add_argument("--workers", type=int, metavar="N", help="worker processes: local engine, default one per CPU (used for runs of 32+ articles); "
                   "dask engine, workers to start when no --scheduler is given")
    a.add_argument("--config", metavar="FILE", help="a TOML file of settings to change, only those keys "
                   "(defaults and their meanings: corroborator/default_config.toml)")
    a.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")

    r = sub.add_parser("report", help="write the HTML report of a ledger store",
                       description="Render report.html from an existing ledger store.")
    r.add_argument("--ledger", required=True, metavar="DIR/ledger.duckdb")
    r.add_argument("--out", default="report.html", metavar="report.html")
    r.add_argument("--debug", action="store_true")

    e = sub.add_parser("export", help="write a ledger's tables and a facts sheet as CSV, Parquet or xlsx",
                       description="Write each ledger table, the last run's inputs and a 'facts' table (one row "
                                   "per claim group: fact, status, confidence, outlets, conflicts, first and "
                                   "last publication date) as CSV or Parquet files, or as one xlsx workbook.")
    e.add_argument("--ledger", required=True, metavar="DIR/ledger.duckdb")
    e.add_argument("--format", required=True, choices=["csv", "parquet", "xlsx"])
    e.add_argument("--out", metavar="DIR", help="folder to write into (default: DIR/export beside the ledger)")
    e.add_argument("--debug", action="store_true")

    s = sub.add_parser("serve", help="browse a ledger in a web browser (read-only)",
                       description="Serve the web interface and JSON API over a ledger store (read-only).")
    s.add_argument("--ledger", required=True, metavar="DIR/ledger.duckdb")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, metavar="N", help="threads answering requests (default: one per core)")
    s.add_argument("--debug", action="store_true")
    return p


def _analyze(args) -> int:
    from .pipeline import analyze
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    paths = list(args.paths)
    if args.urls:
        from .ingest.fetch import read_url_list
        paths += read_url_list(args.urls)
    if not paths:
        raise UsageError("nothing to analyse: give a file, a folder or a URL (or --urls FILE)")
    ledger = analyze(paths, out=args.out, engine=args.engine, scheduler=args.scheduler, workers=args.workers,
                     lazy=True, config=args.config)
    inputs = ledger.run["inputs"]
    failed = [i for i in inputs if i["status"] == "failed"]
    for i in failed:
        print(f"corroborator: failed: {i['path']}: {i['reason']}", file=sys.stderr)
    ok = sum(1 for i in inputs if i["status"] == "ok")
    out = pathlib.Path(args.out)
    print(f"corroborator: {ok} articles analysed, {len(failed)} failed; {len(ledger.stories)} stories, "
          f"{len(ledger.claim_groups)} claim groups -> {out / 'ledger.json'}, {out / 'report.html'}",
          file=sys.stderr)
    return EXIT_PARTIAL if failed else EXIT_OK


def _report(args) -> int:
    from .report import render_store_report
    from .store import open_store
    with open_store(args.ledger, read_only=True) as store:
        html = render_store_report(store)
    pathlib.Path(args.out).write_text(html, encoding="utf-8")
    print(f"report written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _export(args) -> int:
    from .store.export import export_store
    out = pathlib.Path(args.out) if args.out else pathlib.Path(args.ledger).parent / "export"
    written = export_store(args.ledger, args.format, out)
    print(f"corroborator: {len(written)} file{'s' if len(written) != 1 else ''} written to {out}", file=sys.stderr)
    return EXIT_OK


def _serve(args) -> int:
    from .serve import serve
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    serve(args.ledger, host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="corroborator: %(levelname)s: %(message)s")
    try:
        return {"analyze": _analyze, "report": _report, "export": _export,
                "serve": _serve}[args.command](args)
    except UsageError as exc:
        if args.debug:
            raise
        print(f"corroborator: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CorroboratorError as exc:
        if args.debug:
            raise
        print(f"corroborator: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("corroborator: interrupted; finished articles are kept in the store, rerun to continue",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
