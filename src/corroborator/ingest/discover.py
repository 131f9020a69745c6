"""Walk the given paths and list the input files, in a stable order."""
from __future__ import annotations

import pathlib

from ..errors import UsageError

SUFFIXES = (".html", ".htm", ".txt", ".jsonl", ".json", ".warc", ".warc.gz")


def is_input_file(path: pathlib.Path) -> bool:
    name = path.name.lower()
    if name.endswith(".meta.json") or name.startswith("."):
        return False
    return name.endswith(SUFFIXES)


def discover(paths) -> list:
    """Return the input files under ``paths`` (files as given, folders walked recursively, sorted)."""
    found = []
    for raw in paths:
        p = pathlib.Path(raw)
        if not p.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and is_input_file(f)))
        else:
            found.append(p)
    seen, out = set(), []
    for f in found:
        key = str(f.resolve())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
