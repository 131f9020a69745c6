"""Claim alignment across articles on ECB+ events: facts, not topics.

ECB+ (topics 1-35) pairs, in each topic, two sub-topics about look-alike events (two rehab check-ins of two
actors, two earthquakes, two firings of a coach): the ``*ecb.xml`` documents report one event, the
``*ecbplus.xml`` documents the other. Action mentions carry cross-document coreference: which mentions, in
which documents, refer to the same real-world event.

Each topic's documents (both sub-topics, one sentence a line) go through the whole pipeline as one folder,
as a user would hand it a folder on "one story": ``corroborator.analyze`` decides the stories and the claim
groups. Every claim is mapped back to the source sentence holding its start (``source_map``).

Evaluated pairs: two annotated sentences (``ECBplus_coreference_sentences.csv``) of two documents of one
topic. A pair is gold-aligned when the two sentences mention one coreferent event (an action mention of
the same CROSS_DOC_COREF instance; reporting verbs and generic actions left out); the system aligns it when
a claim of one sentence and a claim of the other are in one claim group. Figures:

- pairwise precision, recall and F1 of aligned sentence pairs (the gold is "same event", a little wider
  than "same fact": a sentence on the quake's death toll and one on its magnitude share the event, so the
  recall figure is a floor of what a fact-level gold would give);
- ``cross_subtopic``: the share of the system's aligned pairs that join the two sub-topics: look-alike
  events taken for one (always an error);
- the same for the anchor, embedding similarity alone over the same claims and stories (two claims of
  different articles of a story aligned when their cosine reaches a threshold, linked transitively): at
  the cosine threshold that gives it its best F1 on this data, a generous anchor.

Run: .venv/bin/python eval/alignment_eval.py [--check] [--update-floors] [--topics 1-35] [--work DIR] [-v]
SKIPPED (exit 0) without the data; figures are gated by eval/_gate.py against eval/floors/alignment_eval.json
(a run on other topics than 1-35 is not checked).
"""
from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import pathlib
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "eval"))
DATA = ROOT.parent / "shared" / "data" / "coref" / "ecbplus"
WORK = ROOT / "eval" / ".work" / "ecbplus"      # where fit_samefact keeps the topics' analyses (git-ignored)
from _gate import Gate, add_arguments  # noqa: E402

EVENT_CLASSES = {"ACTION_OCCURRENCE", "ACTION_PERCEPTION", "ACTION_ASPECTUAL", "ACTION_STATE",
                 "ACTION_CAUSATIVE", "NEG_ACTION_OCCURRENCE", "NEG_ACTION_PERCEPTION", "NEG_ACTION_ASPECTUAL",
                 "NEG_ACTION_STATE", "NEG_ACTION_CAUSATIVE"}


def read_events(path: pathlib.Path):
    """(text with one sentence a line, [(line start offset, sentence number)], {sentence: {event ids}})."""
    root = ET.parse(path).getroot()
    toks = [(int(t.get("t_id")), int(t.get("sentence")), t.text or "") for t in root.iter("token")]
    lines, sent_of_tok, order = defaultdict(list), {}, []
    for tid, sent, word in toks:
        if sent not in lines:
            order.append(sent)
        lines[sent].append(word)
        sent_of_tok[tid] = sent
    text, starts = [], []
    pos = 0
    for s in order:
        line = " ".join(lines[s])
        starts.append((pos, s))
        text.append(line)
        pos += len(line) + 1
    sent_of_mark = {}
    for m in root.find("Markables"):
        if m.tag not in EVENT_CLASSES:
            continue
        anchors = [int(a.get("t_id")) for a in m.findall("token_anchor")]
        sents = {sent_of_tok[a] for a in anchors if a in sent_of_tok}
        if sents:
            sent_of_mark[m.get("m_id")] = min(sents)
    events = defaultdict(set)
    rel = root.find("Relations")
    if rel is not None:
        for r in rel.findall("CROSS_DOC_COREF"):
            note = r.get("note") or ""
            for s in r.findall("source"):
                if s.get("m_id") in sent_of_mark:
                    events[sent_of_mark[s.get("m_id")]].add(note)
    return "\n".join(text) + "\n", starts, events


def _sentence_at(starts, offset):
    i = bisect.bisect_right([s for s, _ in starts], offset) - 1
    return starts[max(i, 0)][1]


def _source_offset(article, offset):
    for ts, te, ss in article["source_map"]:
        if ts <= offset < te:
            return ss + (offset - ts)
    return None


def _pairs_from_groups(claim_sent, groups):
    """Sentence pairs ((doc, sent), (doc, sent)) of different documents joined by a group."""
    out = set()
    for members in groups:
        sents = sorted({claim_sent[c] for c in members if c in claim_sent})
        for i, a in enumerate(sents):
            for b in sents[i + 1:]:
                if a[0] != b[0]:
                    out.add((a, b))
    return out


def _cosine_groups(ledger, vectors, threshold):
    """Anchor: within each story, claims of different articles linked when their cosine >= threshold."""
    import numpy as np
    art_story = {a: s["id"] for s in ledger.stories for a in s["articles"]}
    by_story = defaultdict(list)
    for c in ledger.claims:
        if c["id"] in vectors:
            by_story[art_story[c["article"]]].append(c)
    groups = []
    for claims in by_story.values():
        n = len(claims)
        parent = list(range(n))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x
        V = np.array([vectors[c["id"]] for c in claims], dtype=np.float32)
        S = V @ V.T
        arts = [c["article"] for c in claims]
        for i, j in zip(*np.nonzero(S >= threshold)):
            if i < j and arts[i] != arts[j]:
                parent[find(i)] = find(j)
        comp = defaultdict(list)
        for i in range(n):
            comp[find(i)].append(claims[i]["id"])
        groups.extend(comp.values())
    return groups


def analysed_topics(data, topics, white, work=None):
    """Each ECB+ topic's documents (both sub-topics, one sentence a line, each document its own outlet) run
    through the whole pipeline as one folder: yields ``(topic, meta, sent_events, ledger, analyses)`` with
    ``meta``: input file name -> (doc, [(line start, sentence number)]), ``sent_events``: (doc, sentence) ->
    its coreferent event ids (the annotated sentences only), ``analyses``: the ledger's article analyses (from
    its store). With ``work``, each topic's inputs and store are kept under ``work/TOPIC`` and a rerun only
    links again (the store keeps older analyses too: only those of the ledger's claims are taken)."""
    import corroborator
    from corroborator.store import Store
    for topic in topics:
        with _workdir(work, topic) as tmp:
            (pathlib.Path(tmp) / "in").mkdir(parents=True, exist_ok=True)
            meta, sent_events = {}, {}
            for f in sorted((data / topic).glob("*.xml")):
                stem = f.stem.split("_", 1)[1]            # "10ecb" / "10ecbplus"
                text, starts, events = read_events(f)
                doc = (topic, stem)
                name = f"{f.stem}.txt"
                (pathlib.Path(tmp) / "in" / name).write_text(text, encoding="utf-8")
                # every document gets its own outlet: ECB+ documents come from different sources
                (pathlib.Path(tmp) / "in" / f"{f.stem}.meta.json").write_text(
                    json.dumps({"outlet": f"source-{stem}"}), encoding="utf-8")
                meta[name] = (doc, starts)
                for _, s in starts:
                    if (topic, stem, s) in white:
                        sent_events[(doc, s)] = events.get(s, set())
            led = corroborator.analyze([pathlib.Path(tmp) / "in"], out=pathlib.Path(tmp) / "out", workers=1,
                                       progress=False, write_report=False)
            store = Store(pathlib.Path(tmp) / "out" / "ledger.duckdb", read_only=True)
            current, analyses = {c["id"] for c in led.claims}, {}
            for _, an in store.analyses():
                if an.article.id not in analyses and all(c.id in current for c in an.claims):
                    analyses[an.article.id] = an
            store.close()
        yield topic, meta, sent_events, led, list(analyses.values())


def claim_sentences(led, meta) -> dict:
    """claim id -> (doc, sentence number) of the source sentence holding the claim's start."""
    arts = {a["id"]: a for a in led.articles}
    out = {}
    for c in led.claims:
        a = arts[c["article"]]
        name = pathlib.Path(a["path"]).name
        if name not in meta:
            continue
        doc, starts = meta[name]
        src = _source_offset(a, c["start"])
        if src is not None:
            out[c["id"]] = (doc, _sentence_at(starts, src))
    return out


@contextlib.contextmanager
def _workdir(work, topic):
    """A temporary folder per topic, or ``WORK/TOPIC`` kept between runs: a rerun then reuses the stored
    analyses (the pipeline's incremental mode) and only links again, which is what tuning the linking needs."""
    if work:
        d = pathlib.Path(work) / topic
        d.mkdir(parents=True, exist_ok=True)
        yield str(d)
        return
    with tempfile.TemporaryDirectory(prefix="corroborator-align-") as tmp:
        yield tmp


def prf(sys_pairs, gold, evaluated):
    sys_pairs = sys_pairs & evaluated
    tp = len(sys_pairs & gold)
    p = tp / len(sys_pairs) if sys_pairs else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), sys_pairs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--topics", default="1-35")
    ap.add_argument("--work", help="keep each topic's inputs and store under this folder: reruns only link again "
                                   f"(eval/fit_samefact.py --ecb-weight reads them from {WORK.relative_to(ROOT)})")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the system's wrong alignments")
    args = ap.parse_args(argv)
    data = pathlib.Path(args.data)
    gate = Gate.from_args("alignment_eval", [data], args)
    if not (data / "ECBplus_coreference_sentences.csv").exists():
        return gate.skip(f"no ECB+ data at {data}")
    from ecbplus_eval import read_whitelist

    lo, _, hi = args.topics.partition("-")
    topics = [str(t) for t in range(int(lo), int(hi or lo) + 1) if (data / str(t)).is_dir()]
    white = read_whitelist(data)
    gold, evaluated, cross = set(), set(), set()
    sys_pairs, claim_sent_all, ledgers = set(), {}, []
    story_of, subtopic_of = {}, {}
    t0 = time.perf_counter()
    n_docs = 0
    for topic, meta, sent_events, led, analyses in analysed_topics(data, topics, white, args.work or None):
        vec_of = {c.id: v for an in analyses for c, v in zip(an.claims, an.claim_vectors)}
        n_docs += len(meta)
        keys = sorted(sent_events)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a[0] == b[0]:
                    continue
                evaluated.add((a, b))
                if sent_events[a] & sent_events[b]:
                    gold.add((a, b))
                if a[0][1].endswith("plus") != b[0][1].endswith("plus"):
                    cross.add((a, b))
        arts = {a["id"]: a for a in led.articles}
        claim_sent = claim_sentences(led, meta)
        claim_sent_all.update(claim_sent)
        for st in led.stories:
            for aid in st["articles"]:
                name = pathlib.Path(arts[aid]["path"]).name
                if name in meta:
                    doc = meta[name][0]
                    story_of[doc] = st["id"]
                    subtopic_of[doc] = topic + ("plus" if doc[1].endswith("plus") else "")
        sys_pairs |= _pairs_from_groups(claim_sent, [g["claims"] for g in led.claim_groups])
        ledgers.append((led, vec_of, claim_sent))
    secs = time.perf_counter() - t0
    p, r, f, sp = prf(sys_pairs, gold, evaluated)
    x = len(sp & cross) / len(sp) if sp else 0.0
    figures = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
               "cross_subtopic": round(x, 4), "aligned_pairs": len(sp)}
    # the anchor: cosine alone, at its best threshold on this data
    best, curve = None, []
    for th in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        bp = set()
        for led, vec_of, claim_sent in ledgers:
            bp |= _pairs_from_groups(claim_sent, _cosine_groups(led, vec_of, th))
        bpp, br, bf, bsp = prf(bp, gold, evaluated)
        bx = len(bsp & cross) / len(bsp) if bsp else 0.0
        curve.append({"threshold": th, "precision": round(bpp, 4), "recall": round(br, 4),
                      "cross_subtopic": round(bx, 4)})
        if best is None or bf > best["f1"]:
            best = {"threshold": th, "precision": round(bpp, 4), "recall": round(br, 4), "f1": round(bf, 4),
                    "cross_subtopic": round(bx, 4), "aligned_pairs": len(bsp)}
    figures["anchor_cosine"] = best
    # the anchor where it aligns about as much as we do: the threshold whose recall is the nearest to ours
    at = min(curve, key=lambda c: (abs(c["recall"] - r), c["threshold"]))
    figures["anchor_cosine_same_recall"] = at
    # ... and its precision at exactly our recall, interpolated between the two thresholds around it
    pts = sorted((c["recall"], c["precision"]) for c in curve)
    below = [q for q in pts if q[0] <= r]
    above = [q for q in pts if q[0] >= r]
    if below and above:
        (r0, p0), (r1, p1) = below[-1], above[0]
        figures["anchor_precision_at_our_recall"] = round(p0 if r1 == r0 else p0 + (p1 - p0) * (r - r0) / (r1 - r0), 4)
        figures["precision_gain_over_anchor"] = round(p - figures["anchor_precision_at_our_recall"], 4)
    from ecbplus_eval import b_cubed
    from ecbplus_eval import _clusters
    sr, sp_ = b_cubed(_clusters(subtopic_of), _clusters(story_of))
    figures["story_b3_f1"] = round(2 * sr * sp_ / (sr + sp_) if sr + sp_ else 0.0, 4)
    figures["subtopics_kept_apart"] = round(1.0 - x, 4)
    print(f"ECB+ topics {args.topics}: {n_docs} documents, {len(evaluated)} sentence pairs, "
          f"{len(gold)} gold-aligned ({secs:.0f}s)")
    print(f"  corroborator:  P {p:.3f}  R {r:.3f}  F1 {f:.3f}  cross-subtopic {x:.3f}  ({len(sp)} pairs)")
    print(f"  cosine >= {best['threshold']}: P {best['precision']:.3f}  R {best['recall']:.3f}  "
          f"F1 {best['f1']:.3f}  cross-subtopic {best['cross_subtopic']:.3f}  ({best['aligned_pairs']} pairs)")
    print(f"  cosine >= {at['threshold']} (recall nearest ours): P {at['precision']:.3f}  R {at['recall']:.3f}  "
          f"cross-subtopic {at['cross_subtopic']:.3f}")
    if "anchor_precision_at_our_recall" in figures:
        print(f"  cosine alone at our recall (interpolated): P {figures['anchor_precision_at_our_recall']:.3f}; "
              f"ours {figures['precision_gain_over_anchor']:+.3f}")
    print(f"  stories against the sub-topics: B-cubed F1 {figures['story_b3_f1']:.3f} "
          f"({len(set(story_of.values()))} stories for {len(set(subtopic_of.values()))} sub-topics)")
    print(json.dumps(figures))
    if args.verbose:
        for a, b in sorted(sp - gold)[:40]:
            print("  wrong:", a, b, "cross" if (a, b) in cross else "")
    return gate.finish(figures, partial=None if args.topics == "1-35" else f"--topics {args.topics}")


if __name__ == "__main__":
    sys.exit(main())
