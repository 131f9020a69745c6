"""Time-expression normalisation: corroborator's find_times against a dateparser baseline.

Data (read at run time, never copied): ../shared/data/time/meantime (MEANTIME English, TIMEX3 + document
creation time) and ../shared/data/time/recognizers/DateTimeModel.json (Microsoft Recognizers-Text cases with a
reference date). Run: .venv/bin/python eval/time_eval.py [--check] [--data DIR]
SKIPPED (exit 0) when neither data set is there; with one of the two, the other's figures are missing and fail.
Figures are gated by eval/_gate.py against eval/floors/time_eval.json.

Value accuracy is measured on gold mentions whose value our format can hold (YYYY, YYYY-MM, YYYY-MM-DD,
YYYY-Www): gold values are brought to that granularity first (a TIME keeps its date, "2009-Q3" / "2011-SP"
/ "FY2009" become the year, "2016-W45-WE" the week, "2011-05-XX" the month). Ours: find_times over the whole
document (MEANTIME, tokens joined by spaces) or the case's sentence (Recognizers) with the document date as
``published``; the prediction for a gold mention is the value of the expression overlapping it most (no
overlap counts as wrong). Baseline: dateparser on the gold span's text alone, RELATIVE_BASE = the document date,
PREFER_DATES_FROM = past, its period (day/week/month/year) giving the granularity.
Detection recall/precision (MEANTIME): overlap of our expressions with gold TIMEX3 spans.
find_times is given spaCy's tokens (the pipeline's annotation: the tense of the governing verb dates "on
Wednesday"); MEANTIME is also scored without them (tense from the clause's words), as a caller without a parse
gets it.
Recognizers cases that resolve to either of two dates (past and future reading) accept either.
"""
from __future__ import annotations

from _gate import Gate, add_arguments  # noqa: E402 (eval/ is on sys.path when run as a script)
import argparse
import datetime as dt
import glob
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborator.extract.times import find_times  # noqa: E402



def normalise_gold(v):
    """A TIMEX3 value at our granularity, or None when our format cannot hold it."""
    if not v:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$", v)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.match(r"^(\d{4})-W(\d{2})(?:-WE)?$", v)
    if m:
        return f"{m.group(1)}-W{m.group(2)}"
    m = re.match(r"^(\d{4})-(\d{2})(?:-XX)?$", v)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = re.match(r"^(?:FY)?(\d{4})(?:-(?:Q\d|H\d|SP|SU|FA|AU|WI))?$", v)
    if m:
        return m.group(1)
    return None


# ------------------------------------------------------------------ MEANTIME
def load_meantime(root):
    docs = []
    for f in sorted(glob.glob(str(root / "intra_cross-doc_annotation" / "*" / "*.xml"))):
        r = ET.parse(f).getroot()
        pieces, spans, pos, last_sent = [], {}, 0, None
        for t in r.findall("token"):
            sent = t.get("sentence")
            sep = "" if last_sent is None else ("\n" if sent != last_sent else " ")
            pieces.append(sep)
            pos += len(sep)
            word = t.text or ""
            spans[t.get("t_id")] = (pos, pos + len(word))
            pieces.append(word)
            pos += len(word)
            last_sent = sent
        text = "".join(pieces)
        dct, gold, any_spans = None, [], []
        for tx in r.iter("TIMEX3"):
            ids = [a.get("t_id") for a in tx.findall("token_anchor")]
            if tx.get("functionInDocument") == "CREATION_TIME":
                dct = tx.get("value")
            if not ids:
                continue
            s, e = min(spans[i][0] for i in ids), max(spans[i][1] for i in ids)
            any_spans.append((s, e))
            if tx.get("functionInDocument") != "CREATION_TIME" and tx.get("type") in ("DATE", "TIME"):
                gold.append((s, e, tx.get("value")))
        docs.append({"text": text, "dct": (dct or "")[:10], "gold": gold, "any": any_spans})
    return docs


def _overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _pick(exprs, s, e):
    best, bo = None, 0
    for x in exprs:
        o = _overlap((x.start, x.end), (s, e))
        if o > bo:
            best, bo = x, o
    return best


_DP = None


def baseline(text, ref):
    """dateparser's reading of ``text`` at the granularity of its period, with ``ref`` (YYYY-MM-DD) as base."""
    global _DP
    from dateparser.date import DateDataParser
    if _DP is None:
        _DP = {}
    base = dt.datetime.fromisoformat(ref)
    key = ref
    if key not in _DP:
        _DP[key] = DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
                                                              "RETURN_TIME_AS_PERIOD": True})
    try:
        dd = _DP[key].get_date_data(text)
    except Exception:  # noqa: BLE001 - a baseline failure is a wrong answer, not a crash
        return None
    d, period = dd.date_obj, dd.period
    if d is None:
        return None
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "week":
        y, w, _ = d.date().isocalendar()
        return f"{y}-W{w:02d}"
    return d.date().isoformat()


def _parses(texts, parse):
    """The tokens spaCy gives each text (as the pipeline hands them to find_times), or None each."""
    if not parse:
        return [None] * len(texts)
    from corroborator.annotate import annotate_many
    return [a.tokens for a in annotate_many(texts)]


def eval_meantime(root, parse=True, with_baseline=True):
    docs = load_meantime(root)
    n = ours_ok = base_ok = unres = unres_ok = 0
    rec_hit = rec_n = prec_hit = prec_n = 0
    t_ours = t_base = 0.0
    errors = []
    docs = [d for d in docs if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["dct"])]   # a few lack a creation time
    for d, toks in zip(docs, _parses([d["text"] for d in docs], parse)):
        t0 = time.perf_counter()
        exprs = find_times(d["text"], published=d["dct"], tokens=toks)
        t_ours += time.perf_counter() - t0
        prec_n += len(exprs)
        prec_hit += sum(1 for x in exprs if any(_overlap((x.start, x.end), g) for g in d["any"]))
        for s, e, v in d["gold"]:
            want = normalise_gold(v)
            x = _pick(exprs, s, e)
            if want is None:
                unres += 1
                unres_ok += x is None or x.value is None
                continue
            n += 1
            rec_n += 1
            rec_hit += x is not None
            got = x.value if x else None
            ours_ok += got == want
            if got != want and len(errors) < 400:
                errors.append((d["text"][s:e], want, got, x.text if x else None, d["dct"],
                               d["text"][max(0, s - 70):e + 40].replace("\n", " / ")))
            if with_baseline:
                t0 = time.perf_counter()
                base_ok += baseline(d["text"][s:e], d["dct"]) == want
                t_base += time.perf_counter() - t0
    return {"docs": len(docs), "mentions": n, "ours": ours_ok / n, "baseline": base_ok / n,
            "detect_recall": rec_hit / rec_n, "detect_precision": prec_hit / max(1, prec_n),
            "unresolvable_mentions": unres, "unresolvable_left_none": unres_ok / max(1, unres),
            "seconds_ours": t_ours, "seconds_baseline": t_base}, errors


# ------------------------------------------------------------------ Recognizers
def _accepted(r):
    vals = (r.get("Resolution") or {}).get("values") or []
    out = set()
    for v in vals:
        tx = v.get("timex") or ""
        g = normalise_gold(tx)
        if g:
            out.add(g)
            continue
        if re.fullmatch(r"XXXX-\d{2}-\d{2}|XXXX-WXX-\d", tx) and v.get("value"):
            out.add(v["value"][:10])
        elif re.fullmatch(r"XXXX-\d{2}", tx) and v.get("start"):
            out.add(v["start"][:7])
        elif re.fullmatch(r"XX\d{2}-\d{2}-\d{2}", tx) and v.get("value"):
            out.add(v["value"][:10])
    return out


def eval_recognizers(path, parse=True):
    cases = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    n = ours_ok = base_ok = 0
    t_ours = 0.0
    errors = []
    todo = []
    for c in cases:
        ref = ((c.get("Context") or {}).get("ReferenceDateTime") or "")[:10]
        if not ref:
            continue
        results = [r for r in c.get("Results", []) if r.get("TypeName") in ("datetimeV2.date", "datetimeV2.daterange")]
        if results:
            todo.append((c, ref, results))
    for (c, ref, results), toks in zip(todo, _parses([c["Input"] for c, _, _ in todo], parse)):
        t0 = time.perf_counter()
        exprs = find_times(c["Input"], published=ref, tokens=toks)
        t_ours += time.perf_counter() - t0
        for r in results:
            want = _accepted(r)
            if not want:
                continue
            n += 1
            x = _pick(exprs, r["Start"], r["End"] + 1)
            got = x.value if x else None
            ours_ok += got in want
            if got not in want:
                errors.append((r["Text"], sorted(want), got, ref))
            base_ok += baseline(r["Text"], ref) in want
    return {"cases": n, "ours": ours_ok / max(1, n), "baseline": base_ok / max(1, n), "seconds_ours": t_ours}, errors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("CORROBORATOR_DATA", str(ROOT.parent / "shared" / "data")))
    add_arguments(ap)
    ap.add_argument("--errors", type=int, default=0, help="print this many of our errors per data set")
    args = ap.parse_args(argv)
    base = Path(args.data) / "time"
    mt, rc = base / "meantime", base / "recognizers" / "DateTimeModel.json"
    gate = Gate.from_args("time_eval", [mt, rc], args)
    if not mt.is_dir() and not rc.is_file():
        return gate.skip(f"no MEANTIME or Recognizers date data under {base}")
    figures = {}
    if mt.is_dir():
        res, errs = eval_meantime(mt)
        print(f"MEANTIME: {res['docs']} docs, {res['mentions']} gold DATE/TIME mentions with a representable value")
        print(f"  value accuracy      ours {res['ours']:.3f}   baseline(dateparser) {res['baseline']:.3f}")
        print(f"  detection           recall {res['detect_recall']:.3f}   precision {res['detect_precision']:.3f}")
        print(f"  unresolvable gold ({res['unresolvable_mentions']}: PRESENT_REF, XXXX, ...) left None: "
              f"{res['unresolvable_left_none']:.3f}")
        print(f"  time                ours {res['seconds_ours']:.2f}s   baseline {res['seconds_baseline']:.2f}s")
        for e in errs[:args.errors]:
            print("   ", e)
        figures.update({"meantime_value_accuracy": res["ours"], "meantime_detect_recall": res["detect_recall"],
                        "meantime_detect_precision": res["detect_precision"]})
        words, _ = eval_meantime(mt, parse=False, with_baseline=False)
        print(f"  value accuracy without the parse (tense from the clause's words): {words['ours']:.3f}")
        figures["meantime_value_accuracy_words"] = words["ours"]
    if rc.is_file():
        res, errs = eval_recognizers(rc)
        print(f"Recognizers DateTime: {res['cases']} date/daterange results with a representable value")
        print(f"  value accuracy      ours {res['ours']:.3f}   baseline(dateparser) {res['baseline']:.3f}")
        for e in errs[:args.errors]:
            print("   ", e)
        figures["recognizers_value_accuracy"] = res["ours"]
    return gate.finish(figures)


if __name__ == "__main__":
    sys.exit(main())
