"""Verdicts against the fact-level gold of ../shared/data/facts/basil (12 BASIL stories, 3 outlets each).

    .venv/bin/python eval/facts_eval.py [--check] [-v] [--cache FILE] [--curve]

The whole pipeline runs over the twelve stories' 36 articles as one batch (stories are found, not given).
Each claim is mapped to the gold sentences it covers; then, against the gold:

* same-fact pairs: sentence pairs of two outlets that share a claim group (precision, recall, F1);
* multi-outlet groups right: groups with claims of two or more outlets whose claims all state one gold fact;
* "corroborated" groups right: the same, and the gold fact is corroborated (not one speaker's word);
* look-alikes joined: gold look-alike pairs whose sentences share a group (lower is better);
* conflicts and disputes: records that match a gold pair (precision) and gold pairs found (recall);
* speakers: gold mentions stated by a named speaker credited to that speaker, and mentions in the outlet's own
  voice attributed to the outlet;
* with ``--curve``: precision and recall of the same-fact link score at each threshold over every scored
  claim pair, and the calibration of the score in bands from 0.5 up.

Exits 0 with a SKIPPED line when ../shared/data is absent.
"""
from __future__ import annotations

import argparse
import collections
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import facts_data as fd  # noqa: E402

NAME = "facts_eval"
GATED = ("pair_precision", "pair_recall", "multi_outlet_right", "corroborated_right", "conflict_precision",
         "conflict_recall", "dispute_precision", "speaker_agreement", "outlet_voice_agreement")
LOWER_IS_BETTER = ("lookalikes_joined", "calibration_max_gap")


def _words(name: str) -> list:
    """The lower-cased words of a name, without dots and possessive endings ("Ostrova's website" ->
    ostrova, website)."""
    return [re.sub(r"['\u2019]s$", "", w.lower()) for w in name.replace(".", " ").split()]


class Scorer:
    """The pipeline's output for the gold stories, mapped onto the gold sentences."""

    def __init__(self, stories, analyses, linked):
        self.stories = stories
        self.linked = linked
        self.claim_sents, self.claim_tag, self.claim_story, self.claims = {}, {}, {}, {}
        self.sent_claims = collections.defaultdict(set)
        self.maps = {}
        for st in stories:
            by_tag = fd.gold_tag(st, analyses)
            smap = fd.SentenceMap(st, by_tag)
            self.maps[st.number] = smap
            for tag, an in by_tag.items():
                for c in an.claims:
                    sids = smap.sentences_of(an.article.id, c.start, c.end)
                    self.claims[c.id] = (an, c)
                    self.claim_sents[c.id] = sids
                    self.claim_tag[c.id] = tag
                    self.claim_story[c.id] = st.number
                    for s in sids:
                        self.sent_claims[(st.number, s)].add(c.id)
        self.group_of = {c: g for g in linked["groups"] for c in g.claims}
        self.gold_facts = {st.number: st.gold["facts"] for st in stories}
        self.positives = {st.number: st.positive_pairs for st in stories}

    # ------------------------------------------------------------------ pairs
    def predicted_pairs(self) -> dict:
        out = {st.number: set() for st in self.stories}
        for g in self.linked["groups"]:
            cl = [c for c in g.claims if c in self.claim_sents]
            for i, a in enumerate(cl):
                for b in cl[i + 1:]:
                    if self.claim_tag[a] == self.claim_tag[b] or self.claim_story[a] != self.claim_story[b]:
                        continue
                    for sa in self.claim_sents[a]:
                        for sb in self.claim_sents[b]:
                            out[self.claim_story[a]].add(frozenset((sa, sb)))
        return out

    def pair_figures(self) -> dict:
        pred = self.predicted_pairs()
        tp = sum(len(pred[n] & self.positives[n]) for n in pred)
        npred = sum(len(p) for p in pred.values())
        ngold = sum(len(p) for p in self.positives.values())
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        return {"pair_precision": p, "pair_recall": r, "pair_f1": 2 * p * r / (p + r) if p + r else 0.0,
                "pairs_predicted": npred, "pairs_gold": ngold}

    # ------------------------------------------------------------------ groups
    def fact_of_group(self, g):
        """The gold fact every mapped claim of ``g`` states (None when there is none)."""
        cl = [c for c in g.claims if self.claim_sents.get(c)]
        if not cl:
            return None
        n = self.claim_story[cl[0]]
        if any(self.claim_story[c] != n for c in cl):
            return None
        for f in self.gold_facts[n]:
            ms = {m["s"] for m in f["mentions"]}
            if all(self.claim_sents[c] & ms for c in cl):
                return f
        return None

    def group_figures(self, verbose=False) -> dict:
        multi = right = corr = corr_right = 0
        wrong = []
        for g in self.linked["groups"]:
            tags = {self.claim_tag[c] for c in g.claims if c in self.claim_tag and self.claim_sents.get(c)}
            if len(tags) < 2:
                continue
            multi += 1
            f = self.fact_of_group(g)
            right += f is not None
            if g.status == "corroborated":
                corr += 1
                ok = f is not None and f["status"] == "corroborated"
                corr_right += ok
                if not ok:
                    wrong.append((g, f))
        if verbose:
            for g, f in wrong[:40]:
                print("  wrong corroborated:", "gold status " + f["status"] if f else "no one gold fact")
                for c in g.claims:
                    an, cl = self.claims[c]
                    print(f"     [{self.claim_tag[c]} {cl.attribution}] {cl.text[:150]}")
        return {"multi_outlet_groups": multi, "multi_outlet_right": right / multi if multi else 0.0,
                "corroborated_groups": corr, "corroborated_right": corr_right / corr if corr else 0.0,
                "corroborated_right_count": corr_right}

    def lookalike_figures(self) -> dict:
        total = joined = 0
        for st in self.stories:
            for la in st.gold.get("lookalikes", []):
                ca, cb = self.sent_claims.get((st.number, la["a"])), self.sent_claims.get((st.number, la["b"]))
                if not ca or not cb:
                    continue
                total += 1
                ga = {self.group_of[c].id for c in ca if c in self.group_of}
                gb = {self.group_of[c].id for c in cb if c in self.group_of}
                joined += bool(ga & gb)
        return {"lookalikes": total, "lookalikes_joined": joined / total if total else 0.0}

    # ------------------------------------------------------------------ conflicts, disputes
    def _pair_records(self, records, gold_key):
        found, matched = set(), 0
        for claims in records:
            a, b = claims
            if a not in self.claim_sents or b not in self.claim_sents:
                continue
            n = self.claim_story[a]
            st = next(s for s in self.stories if s.number == n)
            hit = False
            for i, gp in enumerate(st.gold.get(gold_key, [])):
                pair = {gp["a"], gp["b"]}
                if any({x, y} == pair for x in self.claim_sents[a] for y in self.claim_sents[b]):
                    found.add((n, i))
                    hit = True
            matched += hit
        return matched, len(records), found

    def conflict_figures(self) -> dict:
        recs = [tuple(x.claims) for g in self.linked["groups"] for x in g.conflicts]
        m, n, found = self._pair_records(recs, "conflicts")
        gold = sum(len(st.gold.get("conflicts", [])) for st in self.stories)
        drecs = [tuple(d.claims) for d in self.linked.get("disputes", [])]
        dm, dn, dfound = self._pair_records(drecs, "disputes")
        dgold = sum(len(st.gold.get("disputes", [])) for st in self.stories)
        return {"conflict_records": n, "conflict_precision": m / n if n else 0.0,
                "conflicts_found": len(found), "conflicts_gold": gold,
                "conflict_recall": len(found) / gold if gold else 0.0,
                "dispute_records": dn, "dispute_precision": dm / dn if dn else 0.0,
                "disputes_found": len(dfound), "disputes_gold": dgold,
                "dispute_recall": len(dfound) / dgold if dgold else 0.0}

    # ------------------------------------------------------------------ speakers
    def speaker_figures(self) -> dict:
        names = {}
        for e in self.linked["entities"]:
            for a, lid in e.members:
                names[(a, lid)] = [e.name] + list(e.aliases)
        spk_total = spk_ok = out_total = out_ok = 0
        for st in self.stories:
            for f in st.gold["facts"]:
                for m in f["mentions"]:
                    cl = self.sent_claims.get((st.number, m["s"]))
                    if not cl:
                        continue
                    claims = [self.claims[c] for c in cl]
                    if m["by"] == "outlet":
                        out_total += 1
                        out_ok += any(c.attribution == "outlet" for _, c in claims)
                        continue
                    spk_total += 1
                    want = {w for w in _words(m.get("speaker", "")) if len(w) > 2}
                    for an, c in claims:
                        if c.attribution not in ("speaker", "anonymous", "document"):
                            continue
                        cand = names.get((an.article.id, c.speaker_entity), [])
                        if c.attribution == "document":     # a letter, a report: named by its quote's source
                            cand = [q.speaker_text or "" for q in an.quotes if q.id == c.quote]
                        got = {w for n in cand for w in _words(n)}
                        if c.speaker_key:
                            got |= set(c.speaker_key.lower().replace("anon:", "").split())
                        if want & got:
                            spk_ok += 1
                            break
        return {"speaker_agreement": spk_ok / spk_total if spk_total else 0.0,
                "outlet_voice_agreement": out_ok / out_total if out_total else 0.0}

    # ------------------------------------------------------------------ curve
    def scored_pairs(self) -> list:
        """(score, label) of every claim pair the same-fact model scored (two outlets, mapped claims)."""
        out = []
        for (a, b), score in self.linked.get("scores", {}).items():
            if a not in self.claim_sents or b not in self.claim_sents:
                continue
            sa, sb = self.claim_sents[a], self.claim_sents[b]
            if not sa or not sb or self.claim_tag[a] == self.claim_tag[b]:
                continue
            n = self.claim_story[a]
            label = any(frozenset((x, y)) in self.positives[n] for x in sa for y in sb)
            out.append((float(score), bool(label)))
        return out


def curve(scored) -> dict:
    scored = sorted(scored, key=lambda t: -t[0])
    npos = sum(l for _, l in scored)
    print("  link score: threshold, precision, recall (claim pairs of two outlets)")
    for thr in (0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2):
        sel = [l for s, l in scored if s >= thr]
        p = sum(sel) / len(sel) if sel else 0.0
        print(f"    >= {thr:.2f}: P {p:.3f}  R {sum(sel) / npos if npos else 0:.3f}  ({len(sel)} pairs)")
    print("  calibration: band, mean score, observed precision, pairs")
    worst = 0.0
    for lo in (0.5, 0.6, 0.7, 0.8, 0.9):
        band = [(s, l) for s, l in scored if lo <= s < lo + 0.1 + (1e-9 if lo == 0.9 else 0)]
        if not band:
            continue
        ms = sum(s for s, _ in band) / len(band)
        obs = sum(l for _, l in band) / len(band)
        worst = max(worst, abs(ms - obs)) if len(band) >= 10 else worst
        print(f"    [{lo:.1f}, {lo + 0.1:.1f}): {ms:.3f}  {obs:.3f}  {len(band)}")
    return {"calibration_max_gap": worst}


def run(cache=None, verbose=False, want_curve=False) -> dict:
    from corroborator.pipeline import link_and_assess
    stories = fd.load_stories()
    analyses = fd.analyse(stories, cache=cache)
    res = link_and_assess(list(analyses.values()), details=True)
    linked = dict(zip(("stories", "entities", "entity_map", "derivations", "groups", "timeline", "disputes"),
                      res[:7]))
    linked.update(res[7])
    sc = Scorer(stories, analyses, linked)
    figs = {}
    figs.update(sc.pair_figures())
    figs.update(sc.group_figures(verbose=verbose))
    figs.update(sc.lookalike_figures())
    figs.update(sc.conflict_figures())
    figs.update(sc.speaker_figures())
    mapped = sum(1 for v in sc.claim_sents.values() if v)
    figs["claims_mapped"] = mapped / max(1, len(sc.claim_sents))
    if want_curve and linked.get("scores"):
        figs.update(curve(sc.scored_pairs()))
    return figs


def main(argv=None) -> int:
    from _gate import Gate, add_arguments
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(ap)
    ap.add_argument("-v", action="store_true", help="print the wrong 'corroborated' groups")
    ap.add_argument("--cache", help="pickle of the per-article analyses, reused while inputs and version match")
    ap.add_argument("--curve", action="store_true", help="print the link score's precision-recall and calibration")
    args = ap.parse_args(argv)
    gate = Gate.from_args(NAME, [fd.GOLD, fd.BASIL], args)
    if not fd.available():
        return gate.skip("../shared/data/facts/basil or ../shared/data/stories/basil not present")
    figs = run(cache=args.cache, verbose=args.v, want_curve=True)
    for k, v in figs.items():
        print(f"  {k}: {v:.3f}" if isinstance(v, float) else f"  {k}: {v}")
    gated = {k: v for k, v in figs.items() if k in GATED}
    # lower is better for these: gated as their complement
    gated.update({f"not_{k}": 1.0 - figs[k] for k in LOWER_IS_BETTER if k in figs})
    return gate.finish(gated)


if __name__ == "__main__":
    sys.exit(main())
