"""Read one input file into ``InputDoc`` records (first version: html, txt, json, jsonl)."""
from __future__ import annotations

import json
import pathlib

from ..records import InputDoc, InputFailure


def _decode(data: bytes) -> str:
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _sidecar(path: pathlib.Path) -> dict:
    stem = path.name
    for suf in (".warc.gz", ".html", ".htm", ".txt", ".jsonl", ".json", ".warc"):
        if stem.lower().endswith(suf):
            stem = stem[: -len(suf)]
            break
    meta = path.with_name(stem + ".meta.json")
    if meta.exists():
        return json.loads(meta.read_text(encoding="utf-8"))
    return {}


def _doc(path, kind, content, meta):
    authors = meta.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    return InputDoc(path=str(path), kind=kind, content=content, url=meta.get("url"),
                    outlet=meta.get("outlet"), published=meta.get("published"),
                    title=meta.get("title"), authors=tuple(authors))


def read_input(path):
    """Yield the documents in one input file, or an ``InputFailure`` for what cannot be read."""
    path = pathlib.Path(path)
    name = path.name.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputFailure(str(path), "failed", f"cannot read file: {exc.strerror or exc}")
        return
    meta = _sidecar(path)
    if name.endswith((".html", ".htm")):
        yield _doc(path, "html", _decode(data), meta)
    elif name.endswith(".txt"):
        yield _doc(path, "text", _decode(data), meta)
    elif name.endswith((".jsonl", ".json")):
        text = _decode(data)
        records = []
        if name.endswith(".json"):
            obj = json.loads(text)
            records = obj if isinstance(obj, list) else [obj]
            lines = [(i, r) for i, r in enumerate(records)]
        else:
            lines = []
            for i, line in enumerate(text.splitlines()):
                if line.strip():
                    try:
                        lines.append((i, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        yield InputFailure(f"{path}#{i + 1}", "failed", f"line {i + 1} is not JSON: {exc.msg}")
        for i, rec in lines:
            sub = f"{path}#{i + 1}"
            if not isinstance(rec, dict) or not (rec.get("text") or rec.get("html")):
                yield InputFailure(sub, "failed", "record has no 'text' or 'html' field")
                continue
            m = {**meta, **{k: rec[k] for k in ("url", "outlet", "published", "title", "authors") if rec.get(k)}}
            if rec.get("html"):
                yield _doc(sub, "html", rec["html"], m)
            else:
                yield _doc(sub, "text", rec["text"], m)
    else:
        yield InputFailure(str(path), "skipped", "not a recognised input type")
