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
            # a dangling or looping symlink with an input's name is listed too: reading it then reports
            # it as a failed input instead of dropping it without a word
            found.extend(sorted(f for f in p.rglob("*") if is_input_file(f)
                                and (f.is_file() or (f.is_symlink() and not f.exists()))))
        else:
            found.append(p)
    seen, out = set(), []
    for f in found:
        try:
            key = str(f.resolve())
        except (OSError, RuntimeError):     # a symlink loop
            key = str(f.absolute())
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
