"""Run every evaluation in eval/ and say, per script, PASSED / FAILED / SKIPPED, then a summary.

    .venv/bin/python eval/run_all.py [--check] [--update-floors [--allow-lower]]

Each script reads ../shared/data at run time and reports through the gate (eval/_gate.py): SKIPPED with a
one-line reason when its data is absent. With --check, run_all exits 1 when any evaluation FAILED (a figure
missing or below its floor, a crash, or a script that reported nothing through the gate); evaluations that were
SKIPPED do not fail it, and the summary says how many were skipped, so a bare clone exits 0 without claiming
that anything is at or above its floor. A script listed here but not yet in eval/ is "not present".
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from _gate import STATUS_ENV  # noqa: E402

SCRIPTS = ["seeds_eval.py", "extraction.py", "polnear_eval.py", "ecbplus_eval.py", "basil_eval.py",
           "time_eval.py", "numbers_eval.py", "alignment_eval.py", "facts_eval.py", "fit_samefact.py"]
PASS_ON = ("--check", "--update-floors", "--allow-lower")


def run_one(path: pathlib.Path, flags: list) -> tuple[str, str, float, bool]:
    """Run one evaluation: (PASSED | FAILED | SKIPPED | NOT CHECKED, reason, seconds, crashed), where crashed
    means a non-zero exit or no verdict reported through the gate."""
    with tempfile.TemporaryDirectory() as tmp:
        status_file = pathlib.Path(tmp) / "status.json"
        env = dict(os.environ, **{STATUS_ENV: str(status_file)})
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, str(path)] + flags, env=env)
        secs = time.monotonic() - t0
        status = json.loads(status_file.read_text(encoding="utf-8")) if status_file.exists() else None
    if status is None:
        why = f"exit {rc}" if rc else "reported no figures through eval/_gate.py"
        return "FAILED", why, secs, True
    kind, reason = status["status"], status.get("reason", "")
    if kind == "failed" or rc != 0:
        return "FAILED", "; ".join(status.get("failures", [])) or reason or f"exit {rc}", secs, rc != 0
    label = {"passed": "PASSED", "skipped": "SKIPPED", "unchecked": "NOT CHECKED"}[kind]
    return label, reason or "; ".join(status.get("warnings", [])), secs, False


def summary(results: dict, check: bool) -> str:
    """The closing line: counts by outcome, naming what was skipped; 'at or above' only when all passed."""
    count = {k: [n for n, (lab, *_) in results.items() if lab == k]
             for k in ("PASSED", "FAILED", "SKIPPED", "NOT CHECKED", "not present")}
    ran = len(results) - len(count["not present"])
    parts = [f"{len(count['PASSED'])} PASSED", f"{len(count['FAILED'])} FAILED",
             f"{len(count['SKIPPED'])} SKIPPED"]
    if count["NOT CHECKED"]:
        parts.append(f"{len(count['NOT CHECKED'])} NOT CHECKED")
    line = f"{ran} evaluations: " + ", ".join(parts)
    if count["not present"]:
        line += f" ({', '.join(count['not present'])} not present)"
    if ran and len(count["SKIPPED"]) == ran:
        return line + ". The evaluations were SKIPPED (no data): nothing was measured or checked."
    if count["FAILED"]:
        return line + (". Failed: " if check else ". Below floor or failing (not gating without --check): ") \
            + ", ".join(count["FAILED"])
    if count["SKIPPED"]:
        return line + f". SKIPPED (no data, not checked): {', '.join(count['SKIPPED'])}"
    if len(count["PASSED"]) == ran and ran:
        return line + ". All evaluations at or above their floors."
    return line


def main(argv, here: pathlib.Path = HERE, scripts=SCRIPTS) -> int:
    check = "--check" in argv
    flags = [a for a in argv if a in PASS_ON]
    results = {}
    for name in scripts:
        path = here / name
        if not path.exists():
            print(f"== {name}: not present", flush=True)
            results[name] = ("not present", "", 0.0, False)
            continue
        print(f"== {name}", flush=True)
        results[name] = run_one(path, flags)
        label, _, secs, _ = results[name]
        print(f"== {name}: {label} in {secs:.0f}s", flush=True)
    print("\n== summary")
    for name, (label, reason, *_) in results.items():
        print(f"  {label:<12} {name:<18} {reason}".rstrip())
    print(summary(results, check))
    # without --check a figure below its floor does not fail the run; a crash or a missing report always does
    failed = any(lab == "FAILED" and (check or crashed) for lab, _, _, crashed in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
