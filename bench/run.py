"""Benchmark the whole pipeline, each stage, spaCy alone, linking scale and the Dask engine, in one run.

    .venv/bin/python bench/run.py --articles 1000            # full measurement (long)
    .venv/bin/python bench/run.py --articles 60 --link-sizes 100,1000 --dask-articles 40   # quick check

Texts are sampled at run time from ../shared/data (BASIL stories and PolNeAR articles) and written to a
temporary JSONL corpus; nothing from there is kept. Exits 0 with a message when the data is absent.
Linking at 1k..10k articles runs on synthetic ``ArticleAnalysis`` records resampled from the real analyses
of this run: stories of 2-6 articles (sizes sampled), each made from one real analysis under its own letter
cipher and embedding-space rotation (so stories made from the same real article stay distinct), each
member another outlet's version (60-100% of the claims, vectors with small noise); each size runs in its
own process so that its peak memory is its own. Results: a table, and bench/results.json.
"""
from __future__ import annotations

import argparse
import ast
import gc
import glob
import json
import os
import pathlib
import pickle
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


def _rss_now_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def _rss_peak_mb() -> float:
    """This process's own peak RSS (VmHWM, as the pipeline's workers report theirs). Not ``getrusage``: on
    Linux its ru_maxrss survives fork and exec, so a child of a big parent would report the parent's size."""
    from corroborator.pipeline import _peak_rss_mb
    return _peak_rss_mb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


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
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _cipher(rng):
    """A story's own letter substitution (same length, same case, digits kept): its copies of a real
    article share no words, names or shingles with another synthetic story made from the same article."""
    perm = list(_LOWER)
    rng.shuffle(perm)
    perm = "".join(perm)
    return str.maketrans(_LOWER + _LOWER.upper(), perm + perm.upper())


def _synthetic_story(base, s, size, rng, nrng):
    """``size`` analyses of one synthetic story made from the real analysis ``base``.

    The story gets its own cipher (text, title, names, claim and quote text: offsets are kept) and its
    own signed permutation of the embedding dimensions (cosines within the story are kept, across
    stories they are those of unrelated texts). Its first article is the ciphered real one; each other
    one is another outlet's version: a distinct closing line, a random 60-100% of the claims, claim
    vectors with small noise.
    """
    import copy

    import numpy as np

    from corroborator.ids import make_id

    tr = _cipher(rng)
    dims = nrng.permutation(len(base.doc_vector)) if base.doc_vector is not None else None
    signs = nrng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=len(dims)) if dims is not None else None

    def rot(v):          # float16, as the pipeline holds vectors read from its store
        return (np.asarray(v, dtype=np.float32)[dims] * signs).astype(np.float16)

    text0 = base.article.text.translate(tr)
    title0 = base.article.title.translate(tr) if base.article.title else base.article.title
    ents = []
    for e in base.entities:
        e2 = copy.copy(e)
        e2.name = e.name.translate(tr)
        e2.aliases = [x.translate(tr) for x in e.aliases]
        ents.append(e2)
    keep_share = [1.0] + [rng.uniform(0.6, 1.0) for _ in range(size - 1)]
    out = []
    for m in range(size):
        an = copy.copy(base)
        art = copy.copy(base.article)
        art.text = text0 if m == 0 else text0 + f"\n\nReported by outlet {m} of story {s}."
        art.source_text, art.source_map = art.text, [[0, len(art.text), 0]]
        art.title = title0
        art.id = make_id("a", art.text, s, m)
        art.path = f"synthetic/{s:06d}-{m}.txt"
        art.outlet = f"outlet-{s % 97}-{m}"
        an.article = art
        an.entities = ents
        keep = [k for k in range(len(base.claims)) if m == 0 or rng.random() < keep_share[m]] or \
            list(range(min(1, len(base.claims))))
        qmap, quotes = {}, []
        for q in base.quotes:
            q2 = copy.copy(q)
            q2.id = make_id("q", art.id, q.start, q.end)
            for f in ("speaker_text", "speaker_description", "cue_text"):
                if getattr(q, f):
                    setattr(q2, f, getattr(q, f).translate(tr))
            qmap[q.id] = q2.id
            quotes.append(q2)
        an.quotes = quotes
        claims = []
        for k in keep:
            c = copy.copy(base.claims[k])
            c.id = make_id("c", art.id, c.start, c.end)
            c.text = c.text.translate(tr)
            c.quote = qmap.get(c.quote, c.quote)
            if c.speaker_key:
                head, _, rest = c.speaker_key.partition(":")
                c.speaker_key = head + ":" + rest.translate(tr) if rest else c.speaker_key.translate(tr)
            claims.append(c)
        an.claims = claims
        vecs = [rot(base.claim_vectors[k]) for k in keep]
        if m and vecs:
            v = np.asarray(vecs) + nrng.normal(0, 0.02, (len(vecs), len(vecs[0])))
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            vecs = list(v.astype(np.float16))
        an.claim_vectors = vecs
        an.doc_vector = rot(base.doc_vector) if base.doc_vector is not None else None
        out.append(an)
    return out


def make_store_child(n, source, workdir, min_story=2, max_story=6):
    """Build ``n`` synthetic analyses (stories of ``min_story``..``max_story`` articles, sizes sampled, each
    story from one real analysis) from the real ones pickled in ``source``, and store them in
    ``workdir/ledger.duckdb`` as ``analyze`` would have (not timed: the linking child reads this store)."""
    import numpy as np

    from corroborator.ids import make_id
    from corroborator.store import Store

    with open(source, "rb") as fh:
        real = pickle.load(fh)
    rng = random.Random(n)
    nrng = np.random.default_rng(n)
    store = Store(pathlib.Path(workdir) / "ledger.duckdb")
    made, s, sizes, batch = 0, 0, [], []

    def flush():
        recs = [{"path": an.article.path, "status": "ok", "reason": None, "article": an.article.id,
                 "doc_key": k} for k, an in batch]
        store.put_results(batch, recs)
        batch.clear()

    while made < n:
        size = min(rng.randint(min_story, max_story), n - made)
        sizes.append(size)
        for an in _synthetic_story(real[rng.randrange(len(real))], s, size, rng, nrng):
            batch.append((make_id("d", an.article.id), an))
        if len(batch) >= 500:
            flush()
        made += size
        s += 1
    flush()
    store.close()
    print(json.dumps({"articles": n, "synthetic_stories": len(sizes)}))


def link_child(n, workdir):
    """Time the cross-article stages as ``analyze`` runs them after the per-article stages: linking story by
    story over the store ``workdir/ledger.duckdb`` (``corpus.link_store``), then ledger.json written from it."""
    from corroborator.corpus import link_store
    from corroborator.ledger import write_ledger_json
    from corroborator.store import Store

    store = Store(pathlib.Path(workdir) / "ledger.duckdb")
    keys = [k for k, _ in store.article_keys([r["doc_key"] for r in store.inputs() if r["doc_key"]])]
    rss_before = _rss_now_mb()
    t0 = time.perf_counter()
    counts = link_store(store, keys, {"version": "bench", "started": None, "finished": None, "inputs": []})
    link_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_ledger_json(store, pathlib.Path(workdir) / "ledger.json")
    ledger_s = time.perf_counter() - t0
    sizes = [r[0] for r in store.con.execute(
        "SELECT json_array_length(record->'articles') FROM stories").fetchall()]
    store.close()
    print(json.dumps({"articles": n, "stories": counts["stories"], "largest_story": max(sizes, default=0),
                      "claims": counts["claims"], "claim_groups": counts["claim_groups"],
                      "memory_retries": counts["memory_retries"], "restarts": counts["restarts"],
                      "link_assess_s": round(link_s, 3), "ledger_json_s": round(ledger_s, 3),
                      "rss_before_mb": round(rss_before, 1), "peak_rss_mb": round(_rss_peak_mb(), 1)}))


def serve_child(mode, workdir):
    """Start what ``corroborator serve`` needs over the store ``workdir/ledger.duckdb`` and a first request of
    each kind of page: ``reader`` (the server as it is: the store read piece by piece) or ``whole`` (the anchor:
    the whole ledger read into memory, indexed for display and search, as the server did before)."""
    from fastapi.testclient import TestClient

    store = pathlib.Path(workdir) / "ledger.duckdb"
    rss_before = _rss_now_mb()
    t0 = time.perf_counter()
    if mode == "reader":
        from corroborator.serve.app import create_app
        client = TestClient(create_app(store))
        start_s = time.perf_counter() - t0
        story = client.get("/api/stories?limit=1&offset=10").json()["items"][0]["id"]
        article = client.get("/api/articles?limit=1&offset=10").json()["items"][0]["id"]
        for url in ("/", f"/stories/{story}", f"/articles/{article}", "/entities", "/timeline", "/search?q=said"):
            assert client.get(url).status_code == 200, url
    else:
        from corroborator.report.view import LedgerView
        from corroborator.serve.app import load_ledger
        from corroborator.store.search import ClaimIndex
        data = load_ledger(store)
        view = LedgerView(data)
        index = ClaimIndex((c["id"], c["text"]) for c in data["claims"])
        start_s = time.perf_counter() - t0
        assert view.story_list and len(index) == len(data["claims"])
    print(json.dumps({"mode": mode, "start_s": round(start_s, 2), "rss_before_mb": round(rss_before, 1),
                      "peak_rss_mb": round(_rss_peak_mb(), 1)}))


# ------------------------------------------------------------------ spaCy alone
def spacy_child(texts_file, n_process):
    """Time ``nlp.pipe`` over the texts in ``texts_file`` (model loaded and warmed first); print the seconds."""
    from corroborator.annotate import load_nlp

    texts = json.loads(pathlib.Path(texts_file).read_text(encoding="utf-8"))
    nlp = load_nlp()
    for _ in nlp.pipe(texts[:8]):
        pass
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=n_process):
        pass
    print(json.dumps({"seconds": time.perf_counter() - t0}))
    return 0


def _spacy_child(texts_file, n_process) -> float:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cp = subprocess.run([sys.executable, __file__, "--spacy-child", str(texts_file), str(n_process)],
                        capture_output=True, text=True, env=env, check=True)
    return json.loads(cp.stdout.strip().splitlines()[-1])["seconds"]


# ------------------------------------------------------------------ main
def _link_scale(sizes, source_store, tmp):
    # the real analyses go to the children as a small pickle: a child that read the DuckDB store itself
    # would carry that read's memory into its peak, the same at every size, and hide the scaling
    from corroborator.store import Store

    src = Store(source_store, read_only=True)
    real = [an for _, an in src.analyses() if an.claims and an.doc_vector is not None]
    src.close()
    # the pipeline embeds claims only where a story has two articles; every synthetic story has several,
    # so its base article needs claim vectors: embed those it lacks, as the pipeline would
    from corroborator.pipeline import _as_stored, _embed_cached, has_claim_vectors
    for an in real:
        if not has_claim_vectors(an):
            an.claim_vectors = [_as_stored(v) for v in _embed_cached([c.text for c in an.claims])]
    source = pathlib.Path(tmp) / "real-analyses.pkl"
    with open(source, "wb") as fh:
        pickle.dump(real, fh)
    del real
    link = []
    for size in [int(x) for x in sizes.split(",") if x]:
        d = pathlib.Path(tmp) / f"link{size}"
        _say(f"storing {size} synthetic articles")
        d.mkdir()
        cp = subprocess.run([sys.executable, __file__, "--make-store", str(size), str(source), str(d)],
                            capture_output=True, text=True)
        if cp.returncode == 0:
            made = json.loads(cp.stdout.strip().splitlines()[-1])
            _say(f"linking {size} synthetic articles")
            cp = subprocess.run([sys.executable, __file__, "--link-child", str(size), str(d)],
                                capture_output=True, text=True)
        if cp.returncode != 0:
            link.append({"articles": size, "error": cp.stderr.strip().splitlines()[-1:]})
            continue
        link.append(dict(json.loads(cp.stdout.strip().splitlines()[-1]), **made))
        for mode in ("reader", "whole"):
            _say(f"serving {size} synthetic articles ({mode})")
            cp = subprocess.run([sys.executable, __file__, "--serve-child", mode, str(d)], capture_output=True,
                                text=True)
            link[-1][f"serve_{mode}"] = (json.loads(cp.stdout.strip().splitlines()[-1]) if cp.returncode == 0
                                         else {"error": cp.stderr.strip().splitlines()[-1:]})
    return link


def _link_ratios(link):
    ok = [x for x in link if "error" not in x]
    if len(ok) < 2:
        return {}
    return {"link_time_ratio": round(ok[-1]["link_assess_s"] / max(ok[0]["link_assess_s"], 1e-9), 2),
            "link_size_ratio": round(ok[-1]["articles"] / ok[0]["articles"], 2),
            "link_peak_rss_ratio": round(ok[-1]["peak_rss_mb"] / ok[0]["peak_rss_mb"], 3)}


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
    ap.add_argument("--batch", type=int, default=16, help="articles per batch, for every engine")
    ap.add_argument("--sequential", action="store_true",
                    help="also run the pipeline without overlapping stages, and compare the ledgers")
    ap.add_argument("--workers", type=int, default=None,
                    help="pipeline worker processes (default: the pipeline's own default, one per CPU)")
    ap.add_argument("--spacy-processes", type=int, default=os.cpu_count() or 1,
                    help="also time spaCy alone with this many processes (1: skip)")
    ap.add_argument("--link-only", metavar="STORE",
                    help="only the linking scale, from the analyses in an existing ledger.duckdb")
    ap.add_argument("--make-store", nargs=3, metavar=("N", "SOURCE", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--link-child", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--serve-child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--spacy-child", nargs=2, metavar=("TEXTS", "N_PROCESS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make_store:
        return make_store_child(int(args.make_store[0]), args.make_store[1], args.make_store[2])
    if args.link_child:
        return link_child(int(args.link_child[0]), args.link_child[1])
    if args.serve_child:
        return serve_child(*args.serve_child)
    if args.spacy_child:
        return spacy_child(args.spacy_child[0], int(args.spacy_child[1]))
    if args.link_only:
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="corroborator-bench-"))
        results = {"command": " ".join(sys.argv), "linking": _link_scale(args.link_sizes, args.link_only, tmp)}
        results.update(_link_ratios(results["linking"]))
        print(json.dumps(results, indent=1))
        return 0
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
    results = {"command": " ".join([".venv/bin/python", "bench/run.py"] + sys.argv[1:]),
               "machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()},
               "articles_requested": args.articles}
    corpus = tmp / "corpus.jsonl"
    write_jsonl(recs, corpus)

    # models load once, outside every timing
    t0 = time.perf_counter()
    nlp = load_nlp()
    embed_texts(["warm up"])
    results["model_load_s"] = round(time.perf_counter() - t0, 2)
    from corroborator.annotate.embed import _model
    results["embed_intra_op_threads"] = _model()[1].get_session_options().intra_op_num_threads

    from corroborator.engine.local import LocalEngine
    from corroborator.pipeline import _EMBED_CACHE

    if args.sequential:
        # ---- the same run without overlapping embedding and spaCy (the reference for the ledger)
        _say(f"whole pipeline, sequential stages, over {len(recs)} articles")
        LocalEngine.overlap = False
        _EMBED_CACHE.clear()
        t0 = time.perf_counter()
        analyze([corpus], out=tmp / "sequential", write_report=False, progress=False, batch_size=args.batch,
                workers=1)
        results["whole_pipeline_sequential"] = {"seconds": round(time.perf_counter() - t0, 3)}
        LocalEngine.overlap = True
    _say(f"whole pipeline over {len(recs)} articles")
    # ---- whole pipeline (local engine, embedding overlapped with spaCy), with per-stage times
    timings = {}
    _EMBED_CACHE.clear()      # embeddings cached by an earlier run in this process would skew the figures
    t0 = time.perf_counter()
    led = analyze([corpus], out=tmp / "local", write_report=True, timings=timings, progress=False,
                  batch_size=args.batch, workers=args.workers)
    whole = time.perf_counter() - t0
    from corroborator.engine import LocalEngine as _LE
    results["pipeline_workers"] = _LE(workers=args.workers).workers if len(recs) >= _LE.min_docs_for_processes else 1
    if args.sequential:
        a = json.loads((tmp / "local/ledger.json").read_text(encoding="utf-8"))
        b = json.loads((tmp / "sequential/ledger.json").read_text(encoding="utf-8"))
        for d in (a, b):
            d["run"].pop("started"), d["run"].pop("finished")
        results["overlap_identical_ledger"] = a == b
    texts = [a["text"] for a in led.articles]
    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    results["corpus"] = {"articles": n, "words": words, "claims": len(led.claims),
                         "failed_inputs": timings.get("n_failed", 0)}
    results["pipeline_peak_rss_mb"] = round(_rss_peak_mb(), 1)
    # the largest worker process's own peak (reported by the workers); the run's total is about parent + workers
    results["worker_peak_rss_mb"] = round(timings.get("worker_peak_rss_mb_max", 0.0), 1)
    stages = {s: _rate(n, words, timings.get(s, 0.0)) for s in
              ("clean", "annotate", "extract", "embed", "link_assess", "store", "ledger", "write")}
    results["stages"] = stages
    results["whole_pipeline"] = _rate(n, words, whole)

    # ---- spaCy alone on the same (cleaned) texts, each in a fresh process set up as the pipeline's workers
    # are (one BLAS thread: faster for spaCy here than the default pool, so the anchor is at its best)
    texts_file = tmp / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    results["spacy_alone"] = _rate(n, words, _spacy_child(texts_file, 1))
    results["spacy_alone"]["process"] = "fresh, one BLAS thread, model loaded before timing"
    results["pipeline_vs_spacy"] = round(results["spacy_alone"]["seconds"] / whole, 3)
    if args.spacy_processes > 1:
        # spaCy's own multiprocessing over as many processes as the pipeline's workers (start-up included)
        results["spacy_alone_processes"] = _rate(n, words, _spacy_child(texts_file, args.spacy_processes))
        results["spacy_alone_processes"]["processes"] = args.spacy_processes
        results["pipeline_vs_spacy_processes"] = round(results["spacy_alone_processes"]["seconds"] / whole, 3)
    if "whole_pipeline_sequential" in results:
        results["sequential_vs_spacy"] = round(results["spacy_alone"]["seconds"] /
                                               results["whole_pipeline_sequential"]["seconds"], 3)
    # what the pipeline embedded: one lead per article, and the claims of articles that share a story
    results["embedded_texts"] = {"leads": n, "claims": int(timings.get("n_claims_embedded", 0)),
                                 "claims_in_corpus": len(led.claims)}

    # ---- linking scale, each size in its own process
    results["linking"] = _link_scale(args.link_sizes, str(tmp / "local/ledger.duckdb"), tmp)
    results.update(_link_ratios(results["linking"]))

    # ---- Dask engine, 1 vs 2 workers on the same texts; ledgers compared
    if args.dask_articles:
        sub = corpus          # the very same input file as the local run when it holds the same articles
        if args.dask_articles < len(recs):
            sub = tmp / "dask.jsonl"
            write_jsonl(recs[:args.dask_articles], sub)
        dask, ledgers = {}, {}
        for w in (1, 2):
            _say(f"dask, {w} worker(s), {args.dask_articles} articles")
            t = {}
            analyze([sub], out=tmp / f"dask{w}", engine="dask", workers=w, timings=t, write_report=False,
                    progress=False, batch_size=args.batch)
            data = json.loads((tmp / f"dask{w}/ledger.json").read_text(encoding="utf-8"))
            data["run"].pop("started"), data["run"].pop("finished")
            ledgers[w] = data
            m = len(data["articles"])
            dask[f"workers_{w}"] = {"articles": m, "per_article_s": round(t["per_article_wall"], 2),
                                    "articles_per_s": round(m / t["per_article_wall"], 3),
                                    "cluster_start_s": round(t.get("engine_start", 0.0), 2)}
        dask["speedup_2_vs_1"] = round(dask["workers_2"]["articles_per_s"] / dask["workers_1"]["articles_per_s"], 3)
        dask["identical_ledger"] = ledgers[1] == ledgers[2]
        if args.dask_articles >= len(recs):
            # the same inputs and batches as the local run: its ledger must be the same too
            loc = json.loads((tmp / "local/ledger.json").read_text(encoding="utf-8"))
            loc["run"].pop("started"), loc["run"].pop("finished")
            dask["identical_to_local_ledger"] = loc == ledgers[2]
        results["dask"] = dask

    results["machine"]["load_avg_at_end"] = os.getloadavg()
    pathlib.Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print_table(results)
    # a linking size that misses its target keeps its synthetic store, so that the very corpus can be linked
    # again (``--link-child N DIR``) and examined: each run resamples its synthetic stories
    missed = results.get("link_time_ratio", 0) > 15 or results.get("link_peak_rss_ratio", 0) > 1.3
    if missed and not args.keep:
        print(f"bench: a linking target was missed; the synthetic stores are kept in {tmp}")
    if not args.keep and not missed:
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
    print(f"whole pipeline ({r.get('pipeline_workers', 1)} worker processes) / spaCy alone (1 process) "
          f"throughput: {r['pipeline_vs_spacy']:.2f}  (target >= 0.75)")
    if "spacy_alone_processes" in r:
        sp = r["spacy_alone_processes"]
        print(f"  spaCy alone with {sp['processes']} processes: {sp['seconds']:.2f}s, {sp['words_per_s']:.0f} words/s; "
              f"whole pipeline / that: {r['pipeline_vs_spacy_processes']:.2f}")
    print("  (stage seconds are summed over the worker processes: per-core figures)")
    if "sequential_vs_spacy" in r:
        print(f"  same run with stages not overlapped: {r['sequential_vs_spacy']:.2f}; "
              f"identical ledger: {r.get('overlap_identical_ledger')}")
    e = r.get("embedded_texts")
    if isinstance(e, dict):
        print(f"embedded: {e['leads']} leads and {e['claims']} of {e['claims_in_corpus']} claims (claims are "
              f"embedded only where their story has another article)")
    print(f"peak RSS of the {c['articles']}-article run: {r['pipeline_peak_rss_mb']:.0f} MB in the main process, "
          f"{r.get('worker_peak_rss_mb', 0):.0f} MB in the largest worker")
    for x in r.get("linking", []):
        if "error" in x:
            print(f"linking {x['articles']}: FAILED {x['error']}")
        else:
            print(f"linking {x['articles']:>6} articles ({x['synthetic_stories']} synthetic stories, "
                  f"{x['stories']} found): link+assess {x['link_assess_s']:.2f}s, ledger.json {x['ledger_json_s']:.2f}s, "
                  f"{x['claim_groups']} groups, peak RSS {x['peak_rss_mb']:.0f} MB"
                  + (f", DuckDB memory cap raised for {x['memory_retries']} statements" if x.get("memory_retries") else "")
                  + (f", LINKING RESTARTED {x['restarts']} times for memory" if x.get("restarts") else ""))
            sr, sw = x.get("serve_reader", {}), x.get("serve_whole", {})
            if "peak_rss_mb" in sr and "peak_rss_mb" in sw:
                print(f"  serve over it: start {sr['start_s']:.1f}s, peak RSS {sr['peak_rss_mb']:.0f} MB (first page of "
                      f"each kind included); whole ledger in memory (the anchor): {sw['start_s']:.1f}s, "
                      f"{sw['peak_rss_mb']:.0f} MB")
    if "link_time_ratio" in r:
        print(f"linking time ratio {r['link_time_ratio']}x for {r['link_size_ratio']}x articles (target <= 15x for 10x); "
              f"peak RSS ratio {r['link_peak_rss_ratio']} (target <= 1.3)")
    if "dask" in r:
        d = r["dask"]
        print(f"dask: 1 worker {d['workers_1']['articles_per_s']:.2f} art/s, 2 workers "
              f"{d['workers_2']['articles_per_s']:.2f} art/s, speedup {d['speedup_2_vs_1']:.2f} (target >= 1.6), "
              f"identical ledger: {d['identical_ledger']}"
              + (f", same as local: {d['identical_to_local_ledger']}" if "identical_to_local_ledger" in d else ""))


if __name__ == "__main__":
    sys.exit(main())
