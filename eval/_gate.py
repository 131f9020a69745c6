"""The one gate every evaluation reports its figures through: floors, SKIPPED, and the data they were set on.

An evaluation script uses it in four steps::

    from _gate import Gate, add_arguments        # eval/ is on sys.path when a script runs

    ap = argparse.ArgumentParser(...)
    add_arguments(ap)                            # --check, --update-floors, --allow-lower
    args = ap.parse_args(argv)
    gate = Gate.from_args("facts_eval", [DATA], args)   # DATA: the folders/files the figures are measured on
    if not DATA.is_dir():
        return gate.skip(f"no data at {DATA}")  # one line; SKIPPED, exit 0, never "at or above"
    ...                                          # measure, print the script's own tables
    return gate.finish(figures)                  # {name: number or bool}; the exit status for sys.exit
    # a sampled run (--limit N and the like) is measured but not checked: gate.finish(figures, partial="--limit 5")

Floors live in ``eval/floors/NAME.json``::

    {"_note": "optional: what is gated and why",
     "floors": {"html_f1": 0.96, "html_not_below_baseline": true},
     "data_digest": "sha256:...", "data_files": 183}

Rules the gate keeps:

- every floor needs its figure: a missing figure (or NaN) fails, as does a figure below its floor (a boolean
  floor ``true`` needs a true figure); a figure exactly at its floor passes; figures without a floor are free;
- ``--check`` makes a failure exit 1; without it the gate says PASSED/FAILED and exits 0;
- ``--update-floors`` raises each floor to the figure rounded down a little (``figure - SLACK``, down to three
  decimals) when that is higher, and records the digest of the data measured; it never lowers one: a figure
  below its floor keeps the floor (and fails) unless ``--allow-lower`` is given too, which lowers it and prints
  each floor lowered. With no floors file yet, ``--update-floors`` gates every figure measured;
- the data digest (``data_digest``) is a sha256 over the data's file names, sizes and contents; when the data
  measured differs from the data the floors were set on, the gate prints a WARNING line and does not fail;
- ``eval/run_all.py`` sets ``CORROBORATOR_EVAL_STATUS`` to a file where the gate writes its verdict (passed,
  failed, skipped or unchecked, with reasons), so run_all can say PASSED / FAILED / SKIPPED per script; a
  script that reports nothing there is FAILED.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pathlib

FLOORS_DIR = pathlib.Path(__file__).resolve().parent / "floors"
STATUS_ENV = "CORROBORATOR_EVAL_STATUS"
SLACK = 0.005            # --update-floors sets a floor this far under the figure (then rounds down to 0.001)
EPSILON = 1e-9           # a figure at its floor passes despite float noise
CONTENT_LIMIT = 64 << 20  # files larger than this enter the digest by name and size only


def add_arguments(ap) -> None:
    """Add the gate's options (--check, --update-floors, --allow-lower) to an argparse parser."""
    ap.add_argument("--check", action="store_true", help="exit 1 when a figure is missing or below its floor")
    ap.add_argument("--update-floors", action="store_true",
                    help="raise floors to the figures measured (rounded down a little) and record the data digest")
    ap.add_argument("--allow-lower", action="store_true",
                    help="with --update-floors: lower a floor whose figure fell below it (each one is printed)")


# ---------------------------------------------------------------- data digest
def data_digest(paths) -> tuple[str, int]:
    """(``sha256:...``, file count) over the files under ``paths``: each file's name relative to its root, size
    and contents (name and size only above CONTENT_LIMIT). Hidden files are left out; an absent root counts as
    absent, so data sets that are partly present digest differently from complete ones."""
    h, count = hashlib.sha256(), 0
    for root in map(pathlib.Path, paths):
        if root.is_file():
            files = [root]
        elif root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            h.update(f"{root.name}\0absent\0".encode())
            continue
        for f in files:
            rel = root.name if f == root else f"{root.name}/{f.relative_to(root).as_posix()}"
            size = f.stat().st_size
            h.update(f"{rel}\0{size}\0".encode())
            if size <= CONTENT_LIMIT:
                h.update(hashlib.sha256(f.read_bytes()).digest())
            count += 1
    return "sha256:" + h.hexdigest(), count


# ---------------------------------------------------------------- floors files
def load_floors(path: pathlib.Path) -> dict | None:
    """The floors file as ``{"floors": {...}, "data_digest": ..., ...}``; None when it does not exist. A flat
    file of floors (the older form) reads as its floors, keys starting with ``_`` left out."""
    if not path.exists():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "floors" not in doc:
        flat = doc
        doc = {k: v for k, v in flat.items() if k.startswith("_")}
        doc["floors"] = {k: v for k, v in flat.items() if not k.startswith("_")}
    return doc


def save_floors(path: pathlib.Path, doc: dict) -> None:
    """Write a floors file: the note first, then floors, then the digest of the data they were set on."""
    order = ["_note", "floors", "data_digest", "data_files"]
    out = {k: doc[k] for k in order if k in doc} | {k: v for k, v in doc.items() if k not in order}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- judging and updating
def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def judge(floors: dict, figures: dict) -> list[str]:
    """The failures of ``figures`` against ``floors``, one line each (empty: every floor met)."""
    bad = []
    for key, floor in floors.items():
        fig = figures.get(key)
        if key not in figures or fig is None:
            bad.append(f"MISSING: {key}: no figure measured (floor {floor})")
        elif isinstance(floor, bool):
            if floor and fig is not True:
                bad.append(f"BELOW FLOOR: {key} = {fig} (floor true)")
        elif not _number(fig) or math.isnan(fig):
            bad.append(f"MISSING: {key} = {fig!r} is not a number (floor {floor})")
        elif fig + EPSILON < floor:
            bad.append(f"BELOW FLOOR: {key} = {fig:.4f} < floor {floor}")
    return bad


def rounded_down(figure: float) -> float:
    """The floor --update-floors proposes for a figure: SLACK under it, rounded down to 0.001."""
    return math.floor(round((figure - SLACK) * 1000, 6)) / 1000


def update_floors(floors: dict | None, figures: dict, allow_lower: bool) -> tuple[dict, list[str]]:
    """(new floors, lines saying what changed or was refused). Floors only go up; a figure below its floor
    lowers it to the figure rounded down only with ``allow_lower``. No floors yet: every figure is gated."""
    if floors is None:
        floors = {k: v for k, v in figures.items() if isinstance(v, bool) or (_number(v) and not math.isnan(v))}
        floors = {k: (v if isinstance(v, bool) else rounded_down(v)) for k, v in floors.items()}
        return floors, [f"NEW FLOOR: {k} = {v}" for k, v in floors.items()]
    new, lines = dict(floors), []
    for key, floor in floors.items():
        fig = figures.get(key)
        if isinstance(floor, bool):
            if key not in figures:
                continue        # a missing figure keeps its floor (and fails)
            proposed = fig is True
            if proposed == floor:
                continue
        elif not _number(fig) or math.isnan(fig):
            continue            # a missing figure keeps its floor (and fails)
        else:
            proposed = rounded_down(fig)
            if proposed <= floor and fig + EPSILON >= floor:
                continue        # at or above the floor, not enough to raise it
        if proposed > floor:
            new[key] = proposed
            lines.append(f"RAISED: {key}: {floor} -> {proposed}")
        elif allow_lower:
            new[key] = proposed
            lines.append(f"LOWERED (--allow-lower): {key}: {floor} -> {proposed}")
        else:
            lines.append(f"NOT LOWERED: {key} stays {floor} (figure {fig}); lowering needs --allow-lower")
    return new, lines


# ---------------------------------------------------------------- the gate
class Gate:
    """One evaluation's gate: ``skip(reason)`` or ``finish(figures)``, each returning the exit status."""

    def __init__(self, name: str, data=(), *, check: bool = False, update_floors: bool = False,
                 allow_lower: bool = False, floors_dir: pathlib.Path | None = None, out=None):
        self.name, self.data = name, [pathlib.Path(p) for p in data]
        self.check, self.update, self.allow_lower = check, update_floors, allow_lower
        self.path = pathlib.Path(floors_dir or FLOORS_DIR) / f"{name}.json"
        self.out = out or (lambda line: print(line, flush=True))

    @classmethod
    def from_args(cls, name: str, data, args, **kw) -> "Gate":
        """A gate set from the options ``add_arguments`` added."""
        return cls(name, data, check=args.check, update_floors=args.update_floors,
                   allow_lower=args.allow_lower, **kw)

    def skip(self, reason: str) -> int:
        """Absent data: say SKIPPED with the reason, record it; exit 0 (nothing was measured, nothing passed)."""
        self.out(f"gate {self.name}: SKIPPED: {reason}")
        self._status("skipped", reason=reason)
        return 0

    def finish(self, figures: dict, partial: str | None = None) -> int:
        """Judge ``figures`` against the floors (update them with --update-floors); the exit status."""
        if partial:
            reason = f"sampled run ({partial}); floors apply to the full run"
            if self.update:
                self.out(f"gate {self.name}: floors not updated from a {reason}")
                self._status("failed", reason=reason, failures=["--update-floors on a sampled run"])
                return 2
            self.out(f"gate {self.name}: NOT CHECKED: {reason}")
            self._status("unchecked", reason=reason, figures=figures)
            return 0
        doc = load_floors(self.path)
        digest, count = data_digest(self.data)
        warnings = self._digest_warnings(doc, digest)
        if self.update:
            doc = self._update(doc, figures, digest, count)
        failures = (judge(doc["floors"], figures) if doc is not None else
                    [f"no floors file {self.path.name} in eval/floors (set one with --update-floors)"])
        for line in warnings + failures:
            self.out(f"  {line}")
        gating = self.check or self.update
        if failures:
            self.out(f"gate {self.name}: FAILED: {len(failures)} of {len(doc['floors']) if doc else 0} floors "
                     f"not met" + ("" if gating else " (not gating without --check)"))
        else:
            self.out(f"gate {self.name}: PASSED: {len(doc['floors'])} figures at or above their floors")
        self._status("failed" if failures else "passed", failures=failures, warnings=warnings, figures=figures)
        return 1 if failures and gating else 0

    def _digest_warnings(self, doc, digest: str) -> list[str]:
        recorded = (doc or {}).get("data_digest")
        if doc is None:
            return []
        if recorded is None:
            return [f"WARNING: {self.name}: no data digest recorded with its floors (--update-floors records it)"]
        if recorded != digest:
            return [f"WARNING: {self.name}: the data differs from the data its floors were set on "
                    f"({digest[7:19]} now, {recorded[7:19]} then); figures may move for that reason alone"]
        return []

    def _update(self, doc, figures, digest, count) -> dict:
        floors, lines = update_floors(doc["floors"] if doc else None, figures, self.allow_lower)
        for line in lines or ["no floor changed"]:
            self.out(f"  {line}")
        doc = dict(doc or {}) | {"floors": floors, "data_digest": digest, "data_files": count}
        save_floors(self.path, doc)
        self.out(f"gate {self.name}: floors written to eval/floors/{self.path.name} (data {digest[7:19]})")
        return doc

    def _status(self, status: str, **fields) -> None:
        target = os.environ.get(STATUS_ENV)
        if not target:
            return
        fields = {k: v for k, v in fields.items() if v}
        if "figures" in fields:
            fields["figures"] = {k: v for k, v in fields["figures"].items() if _number(v) or isinstance(v, bool)}
        pathlib.Path(target).write_text(json.dumps({"name": self.name, "status": status} | fields),
                                        encoding="utf-8")
