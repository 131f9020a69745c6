"""Benchmark the whole pipeline, each stage, spaCy alone, linking scale and the Dask engine, in one run.

    .venv/bin/python bench/run.py --articles 1000            # full measurement (long)
    .venv/bin/python bench/run.py --articles 60 --link-sizes 100,1000 --dask-articles 40   # quick check

Texts are sampled at run time from ../shared/data (BASIL stories and PolNeAR articles) and written to a
temporary JSONL corpus; nothing from there is kept. Exits 0 with a message when the data is absent.
Linking at 1k..10k articles runs on synthetic ``ArticleAnalysis`` records resampled from the real analyses
of this run (each copy: a new id and outlet, a random 60-100% of the claims, vectors with small noise),
each size in its own process so that its peak memory is its own. Results: a table, and bench/results.json.
"""
from __future__ import annotations

import argparse
import ast
import glob
import json
import os
import pathlib
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results.json"


def _say(msg):
    print(f"bench: {time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ------------------------------------------------------------------ corpus
def load_texts(limit, seed=7):
    """Real article texts with metadata from ../shared/data (read now, never stored in the project)."""
    recs = []
    for f in sorted(glob.glob(str(DATA / "stories/basil/articles/*/*.json"))):
        d = json.load(open(f, encoding="utf-8"))
        paras = d.get("body-paragraphs") or []
        if isinstance(paras, str):
            paras = ast.literal_eval(paras)
        text = "\n\n".join(" ".join(p) if isinstance(p, list) else str(p) for p in paras).strip()
        if text:
            recs.append({"text": text, "title": d.get("title"), "outlet": d.get("source"),
                         "published": d.get("date"), "url": d.get("url")})
    for f in sorted(glob.glob(str(DATA / "quotes/polnear/*/text/*.txt"))):
        text = open(f, encoding="utf-8", errors="replace").read().strip()
        name = pathlib.Path(f).stem
        outlet = name.split("_")[0]
        date = name.split("_")[1] if name.count("_") >= 2 else None
        if text:
            recs.append({"text": text, "outlet": outlet, "published": date})
    random.Random(seed).shuffle(recs)
    return recs[:limit]


def write_jsonl(recs, path):
    with open(path, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------ linking child
def link_child(n, source_store, workdir):
    """Build ``n`` synthetic analyses from the stored real ones, then link + assess + write them."""
    import copy

    import numpy as np

    from corroborator.ids import make_id
    from corroborator.pipeline import analyze
    from corroborator.store import Store

    src = Store(source_store, read_only=True)
    real = [an for _, an in src.analyses()]
    src.close()
    rng = random.Random(n)
    nrng = np.random.default_rng(n)
    out = pathlib.Path(workdir)
    store = Store(out / "ledger.duckdb")
    batch, recs = [], []
    for i in range(n):
        base = real[i % len(real)]
        an = copy.copy(base)
        art = copy.copy(base.article)
        copy_no = i // len(real)
        if copy_no:
            # a different outlet's version of the story: same text plus a distinct closing line
            art.text = base.article.text + f"\n\nReported for outlet {copy_no} of the syndicate."
        art.id = make_id("a", art.text, i)
        art.path = f"synthetic/{i:06d}.txt"
        art.outlet = f"{base.article.outlet or 'outlet'}-{copy_no}"
        an.article = art
        keep = [k for k in range(len(base.claims)) if copy_no == 0 or rng.random() < 0.8] or \
            list(range(min(1, len(base.claims))))
        qmap, quotes = {}, []
        for q in base.quotes:
            q2 = copy.copy(q)
            q2.id = make_id("q", art.id, q.start, q.end)
            qmap[q.id] = q2.id
            quotes.append(q2)
        an.quotes = quotes
        claims = []
        for k in keep:
            c = copy.copy(base.claims[k])
            c.id = make_id("c", art.id, c.start, c.end)
            c.quote = qmap.get(c.quote, c.quote)
            claims.append(c)
        an.claims = claims
        vecs = [base.claim_vectors[k] for k in keep]
        if copy_no and vecs:
            v = np.asarray(vecs) + nrng.normal(0, 0.02, (len(vecs), len(vecs[0])))
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            vecs = list(v.astype(np.float32))
        an.claim_vectors = vecs
        key = make_id("d", art.path)
        batch.append((key, an))
        recs.append({"path": art.path, "status": "ok", "reason": None, "article": art.id, "doc_key": key})
        if len(batch) >= 256:
            store.put_results(batch, recs)
            batch, recs = [], []
    if batch:
        store.put_results(batch, recs)
    store.close()
    del real, batch
    empty = out / "no-new-inputs"
    empty.mkdir(exist_ok=True)
    timings = {}
    t0 = time.perf_counter()
    led = analyze([empty], out=out, write_report=False, timings=timings)
    wall = time.perf_counter() - t0
    print(json.dumps({"articles": n, "claims": len(led.claims), "claim_groups": len(led.claim_groups),
                      "stories": len(led.stories), "link_assess_s": timings.get("link_assess", 0.0),
                      "read_store_s": timings.get("store", 0.0), "total_s": wall,
                      "peak_rss_mb": _rss_peak_mb()}))


# ------------------------------------------------------------------ main
def _rate(n, words, seconds):
    return {"seconds": round(seconds, 3), "articles_per_s": round(n / seconds, 3) if seconds else None,
            "words_per_s": round(words / seconds, 1) if seconds else None}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--link-sizes", default="1000,10000", help="synthetic corpus sizes for linking")
    ap.add_argument("--dask-articles", type=int, default=200, help="articles for the Dask 1 vs 2 workers run")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--link-child", nargs=3, metavar=("N", "STORE", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.link_child:
        return link_child(int(args.link_child[0]), args.link_child[1], args.link_child[2])
    if not DATA.exists():
        print(f"bench: {DATA} is absent; nothing to measure")
        return 0
    recs = load_texts(args.articles)
    if not recs:
        print("bench: no texts found under ../shared/data; nothing to measure")
        return 0

    from corroborator.annotate import embed_texts, load_nlp
    from corroborator.pipeline import analyze

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="corroborator-bench-"))
    results = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()},
               "articles_requested": args.articles}
    corpus = tmp / "corpus.jsonl"
    write_jsonl(recs, corpus)

    # models load once, outside every timing
    t0 = time.perf_counter()
    nlp = load_nlp()
    embed_texts(["warm up"])
    results["model_load_s"] = round(time.perf_counter() - t0, 2)

    _say(f"whole pipeline over {len(recs)} articles")
    # ---- whole pipeline (local engine), with per-stage times
    timings = {}
    t0 = time.perf_counter()
    led = analyze([corpus], out=tmp / "local", write_report=True, timings=timings, progress=False)
    whole = time.perf_counter() - t0
    texts = [a["text"] for a in led.articles]
    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    results["corpus"] = {"articles": n, "words": words, "claims": len(led.claims),
                         "failed_inputs": timings.get("n_failed", 0)}
    results["pipeline_peak_rss_mb"] = round(_rss_peak_mb(), 1)
    stages = {s: _rate(n, words, timings.get(s, 0.0)) for s in
              ("clean", "annotate", "extract", "embed", "link_assess", "store", "ledger", "write")}
    results["stages"] = stages
    results["whole_pipeline"] = _rate(n, words, whole)

    # ---- spaCy alone on the same (cleaned) texts
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    results["spacy_alone"] = _rate(n, words, time.perf_counter() - t0)
    results["pipeline_vs_spacy"] = round(results["spacy_alone"]["seconds"] / whole, 3)
    # embedding alone on the texts the pipeline embeds (its claims + one lead per article)
    results["embedded_texts"] = len(led.claims) + n

    # ---- linking scale, each size in its own process
    link = []
    for size in [int(x) for x in args.link_sizes.split(",") if x]:
        d = tmp / f"link{size}"
        _say(f"linking {size} synthetic articles")
        d.mkdir()
        cp = subprocess.run([sys.executable, __file__, "--link-child", str(size), str(tmp / "local/ledger.duckdb"),
                             str(d)], capture_output=True, text=True)
        if cp.returncode != 0:
            link.append({"articles": size, "error": cp.stderr.strip().splitlines()[-1:]})
        else:
            link.append(json.loads(cp.stdout.strip().splitlines()[-1]))
    results["linking"] = link
    ok = [x for x in link if "error" not in x]
    if len(ok) >= 2:
        results["link_time_ratio"] = round(ok[-1]["link_assess_s"] / max(ok[0]["link_assess_s"], 1e-9), 2)
        results["link_size_ratio"] = round(ok[-1]["articles"] / ok[0]["articles"], 2)
        results["link_peak_rss_ratio"] = round(ok[-1]["peak_rss_mb"] / ok[0]["peak_rss_mb"], 3)

    # ---- Dask engine, 1 vs 2 workers on the same texts; ledgers compared
    if args.dask_articles:
        sub = tmp / "dask.jsonl"
        write_jsonl(recs[:args.dask_articles], sub)
        dask, ledgers = {}, {}
        for w in (1, 2):
            _say(f"dask, {w} worker(s), {args.dask_articles} articles")
            t = {}
            analyze([sub], out=tmp / f"dask{w}", engine="dask", workers=w, timings=t, write_report=False,
                    progress=False)
            data = json.loads((tmp / f"dask{w}/ledger.json").read_text(encoding="utf-8"))
            data["run"].pop("started"), data["run"].pop("finished")
            ledgers[w] = data
            m = len(data["articles"])
            dask[f"workers_{w}"] = {"articles": m, "per_article_s": round(t["per_article_wall"], 2),
                                    "articles_per_s": round(m / t["per_article_wall"], 3),
                                    "cluster_start_s": round(t.get("engine_start", 0.0), 2)}
        dask["speedup_2_vs_1"] = round(dask["workers_2"]["articles_per_s"] / dask["workers_1"]["articles_per_s"], 3)
        dask["identical_ledger"] = ledgers[1] == ledgers[2]
        results["dask"] = dask

    results["machine"]["load_avg_at_end"] = os.getloadavg()
    pathlib.Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print_table(results)
    if not args.keep:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def print_table(r):
    c = r["corpus"]
    print(f"corpus: {c['articles']} articles, {c['words']} words, {c['claims']} claims "
          f"(cpus {r['machine']['cpus']}, load {r['machine']['load_avg_at_start'][0]:.1f})")
    print(f"{'stage':<16}{'seconds':>10}{'articles/s':>12}{'words/s':>12}")
    rows = [("whole pipeline", r["whole_pipeline"]), ("spaCy alone", r["spacy_alone"])]
    rows += [(k, v) for k, v in r["stages"].items()]
    for name, v in rows:
        print(f"{name:<16}{v['seconds']:>10.2f}{v['articles_per_s'] or 0:>12.2f}{v['words_per_s'] or 0:>12.0f}")
    print(f"whole pipeline / spaCy alone throughput: {r['pipeline_vs_spacy']:.2f}  (target >= 0.75)")
    print(f"peak RSS of the {c['articles']}-article run: {r['pipeline_peak_rss_mb']:.0f} MB")
    for x in r.get("linking", []):
        if "error" in x:
            print(f"linking {x['articles']}: FAILED {x['error']}")
        else:
            print(f"linking {x['articles']:>6} articles: link+assess {x['link_assess_s']:.2f}s, read store "
                  f"{x['read_store_s']:.2f}s, {x['claim_groups']} groups, peak RSS {x['peak_rss_mb']:.0f} MB")
    if "link_time_ratio" in r:
        print(f"linking time ratio {r['link_time_ratio']}x for {r['link_size_ratio']}x articles (target <= 15x for 10x); "
              f"peak RSS ratio {r['link_peak_rss_ratio']} (target <= 1.3)")
    if "dask" in r:
        d = r["dask"]
        print(f"dask: 1 worker {d['workers_1']['articles_per_s']:.2f} art/s, 2 workers "
              f"{d['workers_2']['articles_per_s']:.2f} art/s, speedup {d['speedup_2_vs_1']:.2f} (target >= 1.6), "
              f"identical ledger: {d['identical_ledger']}")


if __name__ == "__main__":
    sys.exit(main())
