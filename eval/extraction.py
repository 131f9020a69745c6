"""Article-body extraction on the scrapinghub article-extraction-benchmark (181 news pages).

Metric: the benchmark's own (scrapinghub/article-extraction-benchmark, evaluate.py): 4-gram shingles of
``\\w+`` tokens, per page TP/FP/FN normalised by their sum, precision and recall averaged over pages,
F1 from the averaged precision and recall.

Part 1 (HTML): ``corroborator.clean.clean_document`` on each page, beside trafilatura's default
``extract()`` in the same run. Part 2 (plain text): every page is turned into a "browser copy" scrape at
run time (all visible text in page order, one block per line) and our plain-text cleaner is scored on it.

    .venv/bin/python eval/extraction.py [--limit N] [--check] [--data DIR]

Reads ../shared/data/extraction/scrapinghub at run time; SKIPPED (exit 0) when it is absent. Figures are gated
by eval/_gate.py against eval/floors/extraction.json (``html_not_below_baseline``: ours at least trafilatura's
F1 in the same run); a --limit run is not checked.
"""
from __future__ import annotations

import argparse
import gzip
import json
import pathlib
import re
import statistics
import sys
import time
from collections import Counter

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "extraction" / "scrapinghub"
sys.path.insert(0, str(HERE))
from _gate import Gate, add_arguments  # noqa: E402

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


# ---------------------------------------------------------------- the benchmark's metric
def _shingles(text: str, n: int = 4) -> Counter:
    toks = _TOKEN_RE.findall(text or "")
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def shingle_match(true: str, pred: str) -> tuple:
    """(tp, fp, fn) over 4-gram shingles, normalised to sum to 1 (so long pages weigh no more)."""
    a, b = _shingles(true), _shingles(pred)
    tp = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    fp = sum(max(0, b[k] - a.get(k, 0)) for k in b)
    fn = sum(max(0, a[k] - b.get(k, 0)) for k in a)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _precision(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def prf(matches) -> dict:
    p = statistics.mean([_precision(*m) for m in matches if m[0] + m[1] > 0] or [0.0])
    r = statistics.mean([_recall(*m) for m in matches if m[0] + m[2] > 0] or [0.0])
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# ---------------------------------------------------------------- browser-copy scrape of a page
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas", "select",
         "option", "math", "title", "meta", "link"}
_BLOCK = {"address", "article", "aside", "blockquote", "body", "br", "dd", "details", "dialog", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
          "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td",
          "th", "tr", "ul", "caption", "button", "label", "picture", "video", "audio"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def browser_copy(html: str) -> str:
    """All visible text of ``html`` in page order, one block element per line (what select-all + copy gives)."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001
        return ""
    lines, buf = [], []

    def flush():
        text = re.sub(r"\s+", " ", "".join(buf)).strip()
        if text:
            lines.append(text)
        buf.clear()

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        hidden = (tag in _SKIP or not isinstance(el.tag, str) or el.get("hidden") is not None
                  or el.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(el.get("style") or ""))
        if not hidden:
            block = tag in _BLOCK
            if block:
                flush()
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- run
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="score only the first N pages (sorted by id)")
    add_arguments(ap)
    ap.add_argument("--worst", type=int, default=0, help="print the N worst pages of each part")
    args = ap.parse_args(argv)

    gt_path = args.data / "ground-truth.json"
    gate = Gate.from_args("extraction", [args.data], args)
    if not gt_path.exists():
        return gate.skip(f"no scrapinghub data at {args.data}")
    import trafilatura

    from corroborator.clean import clean_document
    from corroborator.records import InputDoc

    gt = json.loads(gt_path.read_text(encoding="utf-8"))
    keys = sorted(gt)[: args.limit] if args.limit else sorted(gt)
    ours, base, plain = [], [], []
    t_ours = t_base = t_plain = 0.0
    errors = Counter()
    for key in keys:
        html = gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        true, url = gt[key].get("articleBody", ""), gt[key].get("url")
        t = time.perf_counter()
        try:
            ours_text = clean_document(InputDoc(path=key, kind="html", content=html, url=url)).text
        except Exception as exc:  # noqa: BLE001 - a failure scores as an empty prediction
            errors["html:" + type(exc).__name__] += 1
            ours_text = ""
        t_ours += time.perf_counter() - t
        t = time.perf_counter()
        base_text = trafilatura.extract(html, url=url) or ""
        t_base += time.perf_counter() - t
        scrape = browser_copy(html)
        t = time.perf_counter()
        try:
            plain_text = clean_document(InputDoc(path=key, kind="text", content=scrape, url=url)).text
        except Exception as exc:  # noqa: BLE001
            errors["text:" + type(exc).__name__] += 1
            plain_text = ""
        t_plain += time.perf_counter() - t
        ours.append((key, shingle_match(true, ours_text)))
        base.append((key, shingle_match(true, base_text)))
        plain.append((key, shingle_match(true, plain_text)))

    n = len(keys)
    figures = {
        "html_f1": prf([m for _, m in ours])["f1"],
        "plain_f1": prf([m for _, m in plain])["f1"],
    }
    print(f"scrapinghub article-extraction-benchmark: {n} pages, 4-gram shingle P/R/F1 averaged per page")
    print(f"{'system':<42} {'precision':>9} {'recall':>7} {'F1':>7} {'ms/page':>8}")
    for name, rows, secs in (("corroborator clean_document (HTML)", ours, t_ours),
                             ("trafilatura extract() default (HTML)", base, t_base),
                             ("corroborator plain-text cleaner (scrapes)", plain, t_plain)):
        m = prf([x for _, x in rows])
        print(f"{name:<42} {m['precision']:>9.4f} {m['recall']:>7.4f} {m['f1']:>7.4f} {1000 * secs / max(n, 1):>8.1f}")
    if errors:
        print("errors:", dict(errors))
    if args.worst:
        for name, rows in (("html", ours), ("plain", plain)):
            worst = sorted(rows, key=lambda r: 2 * r[1][0] / (2 * r[1][0] + r[1][1] + r[1][2] or 1))[: args.worst]
            for key, (tp, fp, fn) in worst:
                print(f"  worst {name}: {key[:16]} tp={tp:.2f} fp={fp:.2f} fn={fn:.2f}")
    base_f1 = prf([m for _, m in base])["f1"]
    print(f"HTML: ours - trafilatura default = {figures['html_f1'] - base_f1:+.4f} F1")
    figures["html_not_below_baseline"] = figures["html_f1"] >= base_f1
    return gate.finish(figures, partial=args.limit and f"--limit {args.limit}")


if __name__ == "__main__":
    sys.exit(main())
