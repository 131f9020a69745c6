"""Quantity normalisation: corroborator's find_quantities against a number-parser / float baseline.

Data (read at run time, never copied): ../shared/data/numbers/recognizers (Microsoft Recognizers-Text number,
number-range, currency, dimension and percent cases). Run: .venv/bin/python eval/numbers_eval.py [--check]
SKIPPED (exit 0) without the data; figures are gated by eval/_gate.py against eval/floors/numbers_eval.json.

For each gold result, ours is the quantity from find_quantities(input) overlapping the gold span most (none
counts as wrong), and is right when:
- number, percent, dimension: its value equals the gold value (relative tolerance 1e-6);
- currency: its value equals the gold value and, where the gold unit has an ISO code we know, the unit matches;
- range: its (low, high) equals the gold interval's ends (an open end is None; an exact value v reads as (v, v)).
Baseline: number_parser.parse_number on the gold span's text, else a plain float of its first number
(thousands separators removed); a range baseline reads that number as both ends.
"""
from __future__ import annotations

from _gate import Gate, add_arguments  # noqa: E402 (eval/ is on sys.path when run as a script)
import argparse
import json
import math
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborator.extract.quantities import find_quantities  # noqa: E402

FILES = {"number": "NumberModel.json", "range": "NumberRangeModel.json", "currency": "CurrencyModel.json",
         "dimension": "DimensionModel.json", "percent": "PercentModel.json"}
ISO = {"dollar": "USD", "united states dollar": "USD", "euro": "EUR", "british pound": "GBP", "pound": "GBP",
       "japanese yen": "JPY", "chinese yuan": "CNY", "yuan": "CNY", "russian ruble": "RUB", "indian rupee": "INR",
       "swiss franc": "CHF", "australian dollar": "AUD", "canadian dollar": "CAD"}


def _close(a, b):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _gold_value(r):
    v = (r.get("Resolution") or {}).get("value")
    if v is None:
        return None
    try:
        return float(str(v).rstrip("%"))
    except ValueError:
        return None


def _gold_interval(r):
    v = (r.get("Resolution") or {}).get("value") or ""
    m = re.fullmatch(r"[\[(]\s*([^,]*)\s*,\s*([^\])]*)\s*[\])]", v)
    if not m:
        return None
    f = [float(x) if x.strip() else None for x in m.groups()]
    return tuple(f)


def baseline_value(text):
    from number_parser import parse_number
    try:
        v = parse_number(text)
    except Exception:  # noqa: BLE001 - a baseline failure is a wrong answer
        v = None
    if v is not None:
        return float(v)
    m = re.search(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+", text)
    if m:
        try:
            return float(m.group(0).replace(",", ""))
        except ValueError:
            return None
    return None


def _pick(qs, s, e):
    best, bo = None, 0
    for q in qs:
        o = max(0, min(q.end, e) - max(q.start, s))
        if o > bo:
            best, bo = q, o
    return best


def _interval_of(q):
    if q.low is not None or q.high is not None:
        return (q.low, q.high)
    return (q.value, q.value)


def _same_interval(a, b):
    return all((x is None and y is None) or _close(x, y) for x, y in zip(a, b))


def evaluate(base):
    res, errors, seconds = {}, [], 0.0
    for cat, fname in FILES.items():
        path = base / fname
        if not path.is_file():
            continue
        cases = json.loads(path.read_text(encoding="utf-8-sig"))
        n = ours = basel = 0
        for c in cases:
            t0 = time.perf_counter()
            qs = find_quantities(c["Input"])
            seconds += time.perf_counter() - t0
            for r in c.get("Results", []):
                s, e = r["Start"], r["End"] + 1
                q = _pick(qs, s, e)
                b = baseline_value(r["Text"])
                if cat == "range":
                    want = _gold_interval(r)
                    if want is None:
                        continue
                    ok = q is not None and _same_interval(_interval_of(q), want)
                    bok = b is not None and _same_interval((b, b), want)
                else:
                    want = _gold_value(r)
                    if want is None:
                        continue
                    ok = q is not None and _close(q.value, want)
                    if ok and cat == "currency":
                        iso = ISO.get(((r.get("Resolution") or {}).get("unit") or "").lower())
                        ok = iso is None or q.unit == iso
                    bok = _close(b, want)
                n += 1
                ours += ok
                basel += bok
                if not ok:
                    errors.append((cat, r["Text"], want, (q.text, q.value, q.low, q.high, q.unit) if q else None))
        if n:
            res[cat] = {"n": n, "ours": ours / n, "baseline": basel / n}
    return res, errors, seconds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("CORROBORATOR_DATA", str(ROOT.parent / "shared" / "data")))
    add_arguments(ap)
    ap.add_argument("--errors", type=int, default=0, help="print this many of our errors")
    args = ap.parse_args(argv)
    base = Path(args.data) / "numbers" / "recognizers"
    gate = Gate.from_args("numbers_eval", [base], args)
    if not base.is_dir():
        return gate.skip(f"no Recognizers number data under {base}")
    res, errors, seconds = evaluate(base)
    print(f"{'category':<10} {'n':>4}  {'ours':>6}  {'baseline':>8}")
    for cat, r in res.items():
        print(f"{cat:<10} {r['n']:>4}  {r['ours']:>6.3f}  {r['baseline']:>8.3f}")
    total = sum(r["n"] for r in res.values())
    micro = sum(r["ours"] * r["n"] for r in res.values()) / max(1, total)
    microb = sum(r["baseline"] * r["n"] for r in res.values()) / max(1, total)
    print(f"{'all':<10} {total:>4}  {micro:>6.3f}  {microb:>8.3f}   (find_quantities: {seconds:.2f}s)")
    for e in errors[:args.errors]:
        print("   ", e)
    figures = {f"{k}_accuracy": v["ours"] for k, v in res.items()}
    figures["all_accuracy"] = micro
    return gate.finish(figures)


if __name__ == "__main__":
    sys.exit(main())
