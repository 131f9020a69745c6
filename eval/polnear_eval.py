"""Quote extraction on PolNeAR (brat standoff: Source, Cue, Content, Attribution), beside a rule baseline.

    .venv/bin/python eval/polnear_eval.py [--train-sample N] [--check] [--update-floors] [--data DIR]

Gold: every attribution of an article (one annotator's file per article: the first by name).
A predicted attribution is one quote, or several quotes sharing one cue (`"A," he said. "B."`), with the
union of their content characters. Predictions are matched one-to-one to gold by content overlap (largest
first) against ALL gold attributions (PolNeAR also annotates beliefs, intentions and findings).

- precision: matched predictions / predictions (any gold attribution counts);
- recall "comm": gold attributions whose cue is a verb or phrase of communication (COMM_CUE below) that
  are matched; recall "all": every gold attribution;
- overlap: any shared non-space character; jaccard>=0.8: the content character sets agree at Jaccard >= 0.8;
- speaker accuracy: of matched gold attributions that have a source, those whose predicted speaker span
  overlaps the gold source span.

The baseline is a textacy-style direct-quotation extractor written here: quoted text plus the nearest
reporting verb in the same sentence or right after the quote, with its subject as the speaker.
Dev is used in full; train is sampled (--train-sample, default 120 articles, 0 = all) to stay within
about four minutes on two cores. SKIPPED (exit 0) when the data set is absent. Figures (``split.group.metric``,
and ``dev.comm.METRIC_above_baseline``) are gated by eval/_gate.py against eval/floors/polnear_eval.json; a
--dev-only run is not checked.
"""
from __future__ import annotations

import argparse
import pathlib
import random
import re
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "quotes" / "polnear"
sys.path.insert(0, str(ROOT / "eval"))
from _gate import Gate, add_arguments  # noqa: E402

# communication cues: verbs (all inflections) and phrases
COMM_VERBS = """say tell add write claim announce state declare explain note report argue insist assert contend
maintain proclaim comment remark reply respond answer ask recall mention express stress emphasize emphasise
highlight acknowledge admit concede confirm deny warn predict promise suggest tweet post testify reveal disclose
complain urge describe observe boast joke quip shout yell scream chant whisper vow pledge threaten allege
conclude caution lament recount counter retort reiterate repeat affirm speak talk tout brag testify quote
point""".split()
IRREGULAR = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written"], "speak": ["spoke", "spoken"]}
COMM_PHRASES = ["according to", "as reported by", "in a statement", "in an interview", "point out", "pointed out"]


def _forms(v):
    forms = {v, v + "s", v + "ed", v + "ing", v + "d"}
    if v.endswith("e"):
        forms |= {v[:-1] + "ing"}
    if v.endswith("y"):
        forms |= {v[:-1] + "ies", v[:-1] + "ied"}
    if v.endswith(("sh", "ch", "s", "x")):
        forms |= {v + "es"}
    if re.match(r".*[^aeiou][aeiou][tpgm]$", v):
        forms |= {v + v[-1] + "ed", v + v[-1] + "ing"}
    forms |= set(IRREGULAR.get(v, []))
    return forms


COMM_WORDS = set().union(*[_forms(v) for v in COMM_VERBS])


def is_comm_cue(cue: str) -> bool:
    low = cue.lower()
    if any(p in low for p in COMM_PHRASES):
        return True
    return any(w in COMM_WORDS for w in re.findall(r"[a-z]+", low))


# ------------------------------------------------------------------ data
def _spans(field):
    out = []
    for part in field.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def load_split(split):
    d = DATA / split
    anns = {}
    for f in sorted((d / "attributions").glob("*.ann")):
        base = f.stem.rsplit("_", 1)[0]
        anns.setdefault(base, f)
    out = []
    for base, f in sorted(anns.items()):
        tp = d / "text" / (base + ".txt")
        if not tp.exists():
            continue
        text = tp.read_text(encoding="utf-8")
        tb, attrs = {}, []
        for line in f.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("T") and len(parts) >= 2:
                label, _, rest = parts[1].partition(" ")
                tb[parts[0]] = (label, _spans(rest))
            elif line.startswith("E") and len(parts) >= 2:
                roles = dict(x.split(":", 1) for x in parts[1].split())
                attrs.append(roles)
        gold = []
        for roles in attrs:
            def get(role):
                k = roles.get(role)
                return tb[k][1] if k in tb else []
            content = get("Content")
            if not content:
                continue
            cue = get("Cue")
            cue_text = " ".join(text[a:b] for a, b in cue)
            gold.append({"content": _chars(text, content), "source": get("Source"), "cue": cue_text,
                         "comm": is_comm_cue(cue_text)})
        out.append((base, text, gold))
    return out


def _chars(text, spans):
    return frozenset(k for a, b in spans for k in range(a, b) if not text[k].isspace())


# ------------------------------------------------------------------ systems
def system_predict(text, ann, art_id):
    from corroborator.extract.entities import find_entities
    from corroborator.extract.quotes import find_quotes
    from corroborator.records import Article
    art = Article(id=art_id, path=art_id, text=text, source_text=text)
    ents = find_entities(art, ann)
    quotes = find_quotes(art, ann, ents)
    groups = {}
    for q in quotes:
        key = (q.cue_start, q.speaker_start) if q.cue_start is not None else ("q", q.start)
        g = groups.setdefault(key, {"spans": [], "speaker": None, "frame": []})
        g["spans"].append((q.start, q.end))
        if q.speaker_start is not None:
            g["speaker"] = (q.speaker_start, q.speaker_end)
            g["frame"].append((q.speaker_start, q.speaker_end))
        if q.cue_start is not None:
            g["frame"].append((q.cue_start, q.cue_end))
    # the content is the quote's span without its own speaker and cue ("A, the mayor said, B": A and B)
    return [{"content": _chars(text, g["spans"]) - _chars(text, g["frame"]), "speaker": g["speaker"]}
            for g in groups.values()]


BASE_VERBS = {"say", "tell", "add", "write", "ask", "explain", "reply", "state", "declare", "note"}
BASE_QUOTE = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")


def baseline_predict(text, ann, art_id):
    """textacy-style: a quotation of >= 3 words with a reporting verb in its sentence window; subject = speaker."""
    toks = ann.tokens
    children = {}
    for t in toks:
        children.setdefault(t.head, []).append(t.i)
    starts = [t.start for t in toks]
    import bisect
    preds = []
    for m in BASE_QUOTE.finditer(text):
        a, b = m.span()
        if len(m.group(1).split()) < 3:
            continue
        ti = bisect.bisect_left(starts, a)
        tj = bisect.bisect_left(starts, b)
        if ti >= len(toks):
            continue
        sent = toks[min(ti, len(toks) - 1)].sent
        window = [t for t in toks if t.sent in (sent, toks[min(tj, len(toks) - 1)].sent)
                  and not (a <= t.start < b)]
        verbs = [t for t in window if t.lemma in BASE_VERBS and t.pos == "VERB"]
        if not verbs:
            continue
        v = min(verbs, key=lambda t: min(abs(t.start - b), abs(t.start - a)))
        subj = [c for c in children.get(v.i, ()) if toks[c].dep in ("nsubj", "nsubjpass") and c != v.i]
        speaker = (toks[subj[0]].start, toks[subj[0]].end) if subj else None
        preds.append({"content": _chars(text, [(a, b)]), "speaker": speaker})
    return preds


# ------------------------------------------------------------------ scoring
def match(preds, gold):
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(gold):
            ov = len(p["content"] & g["content"])
            if ov:
                pairs.append((ov, i, j))
    pairs.sort(reverse=True)
    used_p, used_g, out = set(), set(), []
    for ov, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        p, g = preds[i], gold[j]
        jac = ov / len(p["content"] | g["content"])
        spk = None
        if g["source"]:
            spk = bool(p["speaker"]) and any(p["speaker"][0] < b and a < p["speaker"][1] for a, b in g["source"])
        out.append((i, j, jac, spk))
    return out


class Tally:
    def __init__(self):
        self.n_pred = self.n_gold = self.n_comm = 0
        self.p_ov = self.p_j8 = 0
        self.r_ov = {"all": 0, "comm": 0}
        self.r_j8 = {"all": 0, "comm": 0}
        self.spk = {"all": [0, 0], "comm": [0, 0]}

    def add(self, preds, gold):
        self.n_pred += len(preds)
        self.n_gold += len(gold)
        self.n_comm += sum(g["comm"] for g in gold)
        for i, j, jac, spk in match(preds, gold):
            g = gold[j]
            self.p_ov += 1
            self.p_j8 += jac >= 0.8
            for k in ("all", "comm") if g["comm"] else ("all",):
                self.r_ov[k] += 1
                self.r_j8[k] += jac >= 0.8
                if spk is not None:
                    self.spk[k][0] += spk
                    self.spk[k][1] += 1

    def figures(self):
        def f1(p, r):
            return 0.0 if p + r == 0 else 2 * p * r / (p + r)
        out = {}
        P_ov = self.p_ov / max(1, self.n_pred)
        P_j8 = self.p_j8 / max(1, self.n_pred)
        for k, n in (("comm", self.n_comm), ("all", self.n_gold)):
            R_ov, R_j8 = self.r_ov[k] / max(1, n), self.r_j8[k] / max(1, n)
            out[k] = {"overlap_p": P_ov, "overlap_r": R_ov, "overlap_f1": f1(P_ov, R_ov),
                      "jaccard08_p": P_j8, "jaccard08_r": R_j8, "jaccard08_f1": f1(P_j8, R_j8),
                      "speaker_acc": self.spk[k][0] / max(1, self.spk[k][1])}
        out["counts"] = {"pred": self.n_pred, "gold": self.n_gold, "gold_comm": self.n_comm}
        return out


def run_split(articles):
    from corroborator.annotate import annotate_many
    sys_t, base_t = Tally(), Tally()
    texts = [t for _, t, _ in articles]
    for (base, text, gold), ann in zip(articles, annotate_many(texts, batch_size=8)):
        sys_t.add(system_predict(text, ann, base), gold)
        base_t.add(baseline_predict(text, ann, base), gold)
    return sys_t.figures(), base_t.figures()


def show(name, sysf, basef):
    print(f"\n== {name}: gold {sysf['counts']['gold']} attributions ({sysf['counts']['gold_comm']} with communication "
          f"cues); predicted: system {sysf['counts']['pred']}, baseline {basef['counts']['pred']}")
    print(f"{'figure':34s} {'system':>8s} {'baseline':>9s}")
    for k in ("comm", "all"):
        for m in ("jaccard08_f1", "jaccard08_p", "jaccard08_r", "overlap_f1", "overlap_p", "overlap_r", "speaker_acc"):
            print(f"{k + ' ' + m:34s} {sysf[k][m]:8.3f} {basef[k][m]:9.3f}")


def main(argv=None):
    global DATA
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--train-sample", type=int, default=120, help="train articles to score (0 = all)")
    add_arguments(ap)
    ap.add_argument("--dev-only", action="store_true", help="score dev only")
    args = ap.parse_args(argv)
    DATA = pathlib.Path(args.data)
    gate = Gate.from_args("polnear_eval", [DATA], args)
    if not (DATA / "dev").is_dir():
        return gate.skip(f"no PolNeAR data at {DATA}")
    t0 = time.time()
    results = {}
    dev = load_split("dev")
    results["dev"] = run_split(dev)
    show(f"dev ({len(dev)} articles)", *results["dev"])
    if (DATA / "train").is_dir() and not args.dev_only:
        train = load_split("train")
        if args.train_sample and args.train_sample < len(train):
            train = random.Random(0).sample(train, args.train_sample)
            label = f"train (sample of {len(train)} articles, seed 0)"
        else:
            label = f"train ({len(train)} articles)"
        results["train"] = run_split(train)
        show(label, *results["train"])
    print(f"\n{time.time() - t0:.0f} s")
    return gate.finish(figures_of(results), partial="--dev-only" if args.dev_only else None)


def figures_of(results: dict) -> dict:
    """The gated figures: ``split.group.metric`` for ours, and whether each dev communication figure is above
    the baseline's."""
    figures = {}
    for split, (ours, base) in results.items():
        for group, metrics in ours.items():
            for metric, val in metrics.items():
                figures[f"{split}.{group}.{metric}"] = val
                if split == "dev" and group == "comm":
                    figures[f"dev.comm.{metric}_above_baseline"] = val > base[group][metric]
    return figures


if __name__ == "__main__":
    sys.exit(main())
