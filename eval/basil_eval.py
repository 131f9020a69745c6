"""Story clustering on BASIL (100 events x 3 outlets): B-cubed precision / recall / F1.

All 300 articles go into ``link.stories.cluster_stories`` in one batch. The cheap path is used: each
article is cleaned (``clean.clean_document``), its title + lead embedded (``annotate.embed_texts``, exactly
what the pipeline stores as ``doc_vector``) and its entities taken from spaCy's named entities over the
title + lead (``annotate.annotate_many``); the full extract stage is not needed for story clustering.

Side by side, in the same run, a baseline: TF-IDF cosine over title + body with single-link clustering at
a fixed threshold.

    .venv/bin/python eval/basil_eval.py [--check] [--limit N]

Reads ../shared/data/stories/basil at run time; SKIPPED (exit 0) when it is absent. Figures are gated by
eval/_gate.py against eval/floors/basil_eval.json (--check, --update-floors; a --limit run is not checked).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import pathlib
import sys
import time
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "stories" / "basil" / "articles"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "eval"))
from _gate import Gate, add_arguments  # noqa: E402


def load(limit=None):
    files = sorted(DATA.rglob("*.json"))
    recs = []
    for f in files:
        d = json.loads(f.read_text(encoding="utf-8"))
        paras = [" ".join(p) for p in d.get("body-paragraphs", [])]
        recs.append({"path": str(f.relative_to(DATA)), "event": d.get("triplet-uuid") or f.stem.rsplit("_", 1)[0],
                     "title": d.get("title"), "outlet": d.get("source"), "url": d.get("url"),
                     "date": d.get("date"), "text": "\n\n".join(paras)})
    if limit:
        events = sorted({r["event"] for r in recs})[: max(1, limit // 3)]
        recs = [r for r in recs if r["event"] in set(events)]
    return recs


def bcubed(pred: dict, gold: dict):
    """B-cubed precision, recall, F1 of a clustering ``pred`` (item -> cluster) against ``gold``."""
    pc, gc = defaultdict(set), defaultdict(set)
    for k, v in pred.items():
        pc[v].add(k)
    for k, v in gold.items():
        gc[v].add(k)
    p = r = 0.0
    for k in gold:
        P, G = pc[pred[k]], gc[gold[k]]
        inter = len(P & G)
        p += inter / len(P)
        r += inter / len(G)
    n = len(gold)
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def analyses_for(recs):
    from corroborator.annotate import annotate_many, embed_texts
    from corroborator.clean import clean_document
    from corroborator.records import ArticleAnalysis, InputDoc, LocalEntity

    arts = []
    for r in recs:
        doc = InputDoc(path=r["path"], kind="text", content=r["text"], url=r["url"], outlet=r["outlet"],
                       published=r["date"], title=r["title"])
        arts.append(clean_document(doc))
    leads = [((a.title or "") + "\n" + a.text[:1000]).strip() for a in arts]
    vecs = embed_texts(leads)
    anns = list(annotate_many(leads))
    out = []
    for a, v, ann in zip(arts, vecs, anns):
        ents = {}
        for sp in ann.entities:
            if sp.label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"):
                ents.setdefault((sp.text, sp.label), []).append((sp.start, sp.end))
        les = [LocalEntity(local_id=i, name=t, type=l, aliases=[t], mentions=m)
               for i, ((t, l), m) in enumerate(sorted(ents.items()))]
        out.append(ArticleAnalysis(article=a, entities=les, quotes=[], claims=[], doc_vector=v))
    return out


def baseline(recs, threshold=0.2):
    """TF-IDF (title + body) cosine, single link at ``threshold``."""
    from corroborator.link.claims_text import content_words

    docs = [Counter(content_words((r["title"] or "") + " " + r["text"])) for r in recs]
    df = Counter(w for d in docs for w in d)
    n = len(docs)
    vecs = []
    for d in docs:
        v = {w: (1 + math.log(c)) * math.log(n / df[w]) for w, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(n):
        for j in range(i + 1, n):
            a, b = vecs[i], vecs[j]
            if len(a) > len(b):
                a, b = b, a
            if sum(x * b.get(w, 0.0) for w, x in a.items()) >= threshold:
                parent[find(i)] = find(j)
    return {recs[i]["path"]: find(i) for i in range(n)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    ap.add_argument("--limit", type=int, default=None, help="only the first N/3 events (for iterating)")
    args = ap.parse_args(argv)
    gate = Gate.from_args("basil_eval", [DATA], args)
    if not DATA.is_dir():
        return gate.skip(f"no BASIL data at {DATA}")
    from corroborator.link.stories import cluster_stories

    recs = load(args.limit)
    gold = {r["path"]: r["event"] for r in recs}
    t0 = time.time()
    cache = os.environ.get("BASIL_CACHE")   # a pickle of the prepared analyses, for tuning runs only
    if cache and os.path.exists(cache):
        analyses = pickle.load(open(cache, "rb"))
    else:
        analyses = analyses_for(recs)
        if cache:
            pickle.dump(analyses, open(cache, "wb"))
    t1 = time.time()
    stories = cluster_stories(analyses)
    t2 = time.time()
    path_of = {a.article.id: a.article.path for a in analyses}
    pred = {path_of[aid]: s.id for s in stories for aid in s.articles}
    p, r, f = bcubed(pred, gold)
    base = baseline(recs)
    bp, br, bf = bcubed(base, gold)
    figures = {"bcubed_f1": round(f, 4), "bcubed_precision": round(p, 4), "bcubed_recall": round(r, 4)}
    print(f"BASIL story clustering: {len(recs)} articles, {len(set(gold.values()))} events, one batch")
    print(f"  {'system':<28} {'P':>7} {'R':>7} {'F1':>7}  stories")
    print(f"  {'corroborator':<28} {p:7.4f} {r:7.4f} {f:7.4f}  {len(stories)}")
    print(f"  {'baseline tf-idf cos>=0.2':<28} {bp:7.4f} {br:7.4f} {bf:7.4f}  {len(set(base.values()))}")
    print(f"  (prepare {t1 - t0:.1f}s, cluster_stories {t2 - t1:.2f}s)")
    return gate.finish(figures, partial=args.limit and f"--limit {args.limit}")


if __name__ == "__main__":
    sys.exit(main())
