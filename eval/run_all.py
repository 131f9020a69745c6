"""Run every evaluation in eval/ (each prints its figures; with --check each fails below its floors).

Each script reads ../shared/data at run time and skips cleanly when it is absent.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).parent
SCRIPTS = ["seeds_eval.py", "extraction.py", "polnear_eval.py", "ecbplus_eval.py", "basil_eval.py",
           "time_eval.py", "numbers_eval.py", "alignment_eval.py"]


def main(argv) -> int:
    check = "--check" in argv
    failed = []
    for name in SCRIPTS:
        path = HERE / name
        if not path.exists():
            print(f"== {name}: not present, skipped")
            continue
        print(f"== {name}", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, str(path)] + (["--check"] if check else []))
        print(f"== {name}: exit {rc} in {time.monotonic() - t0:.0f}s", flush=True)
        if rc != 0:
            failed.append(name)
    if failed:
        print("evaluations below their floors or failing: " + ", ".join(failed))
        return 1
    print("all evaluations at or above their floors" if check else "done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
