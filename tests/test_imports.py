"""Imports go one way (docs/ARCHITECTURE.md, "Rules"): read from the source with ``ast``, imports inside
functions included, so that a lazy import cannot hide a cycle or a DuckDB call outside ``store/``.

A module is named by its dotted path; a package's ``__init__`` is the package itself. ``from pkg import name``
counts as an import of the submodule ``pkg.name`` where there is one, else of ``pkg``.
"""
from __future__ import annotations

import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "corroborator"
ROOT = "corroborator"
STAGES = ("ingest", "clean", "annotate", "extract", "link", "assess")     # the stage folders
EDGE = ("cli", "serve", "report")                                          # what calls the stages, never called by them
ABOVE_STORE = ("pipeline", "corpus", "ledger")                             # what uses the store, never used by it


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _imports(name: str, path: pathlib.Path) -> set:
    """What module ``name`` imports: the modules of this package by name, and other top-level packages."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    found.add(f"{target}.{alias.name}")
                elif not (target == ROOT and alias.name == "__version__"):
                    # the version is set at the top of the package's __init__, before it imports anything
                    found.add(target)
    out = set()
    for target in found:
        while target not in MODULES and "." in target and target.split(".")[0] == ROOT:
            target = target.rsplit(".", 1)[0]          # a name inside a module: that module
        out.add(target if target.split(".")[0] == ROOT else target.split(".")[0])
    out.discard(name)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph) -> list:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _in(name: str, folder: str) -> bool:
    full = f"{ROOT}.{folder}"
    return name == full or name.startswith(full + ".")


def test_the_graph_is_read():
    assert f"{ROOT}.pipeline" in GRAPH and f"{ROOT}.store" in GRAPH
    assert f"{ROOT}.corpus" in GRAPH[f"{ROOT}.pipeline"]            # imported inside a function
    assert "duckdb" in GRAPH[f"{ROOT}.store.duckdb_store"]


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    cycles = _cycles(GRAPH)
    detail = ["; ".join(f"{m} -> {sorted(GRAPH[m] & set(c))}" for m in c) for c in cycles]
    assert not cycles, "import cycles: " + " | ".join(detail)


def test_duckdb_is_imported_only_under_store():
    outside = sorted(m for m, deps in GRAPH.items() if "duckdb" in deps and not _in(m, "store"))
    assert not outside, f"DuckDB imported outside store/: {outside}"


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_never_imports_the_edge(stage):
    wrong = sorted((m, d) for m, deps in GRAPH.items() if _in(m, stage)
                   for d in deps if any(_in(d, e) for e in EDGE))
    assert not wrong, f"{stage}/ imports {', '.join(EDGE)}: {wrong}"


def test_the_store_never_imports_what_uses_it():
    wrong = sorted((m, d) for m, deps in GRAPH.items() if _in(m, "store")
                   for d in deps if any(_in(d, a) for a in ABOVE_STORE))
    assert not wrong, f"store/ imports {', '.join(ABOVE_STORE)}: {wrong}"


def test_the_ledger_never_imports_the_store():
    wrong = sorted(d for d in GRAPH[f"{ROOT}.ledger"] if _in(d, "store"))
    assert not wrong, f"ledger.py imports {wrong}"
