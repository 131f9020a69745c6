"""A ledger indexed for display: what the report and the web pages show, computed once.

``LedgerView(ledger)`` takes the contract dict and answers the questions a page asks (a story with its
claim groups and highlighted sources, an article with its quotes marked, an entity with its mentions, the
timeline chart). Everything it returns is plain data; article text stays raw and is escaped by the templates.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

from .segments import segments, snippet

STATUSES = ("conflicting", "corroborated", "attributed_only", "single_source")
STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}
STATUS_HELP = {
    "corroborated": "at least two independent outlets report it, not only by quoting the same speaker",
    "attributed_only": "every report rests on the word of the same speaker",
    "single_source": "one outlet (or one article and its copies) reports it",
    "conflicting": "reports disagree (a quantity, a date, an attribute, or a denial)",
}


class LedgerView:
    """Indexes over one ledger dict (contract format); read-only once built, safe to share between threads."""

    def __init__(self, ledger: dict):
        self.ledger = ledger
        self.run = ledger.get("run", {})
        self.articles = {a["id"]: a for a in ledger["articles"]}
        self.claims = {c["id"]: c for c in ledger["claims"]}
        self.entities = {e["id"]: e for e in ledger["entities"]}
        self.quotes = {q["id"]: q for q in ledger["quotes"]}
        self.stories = {s["id"]: s for s in ledger["stories"]}
        self.groups = {g["id"]: g for g in ledger["claim_groups"]}
        self.group_of_claim = {cid: g for g in ledger["claim_groups"] for cid in g["claims"]}
        self.groups_by_story: dict = {}
        for g in ledger["claim_groups"]:
            self.groups_by_story.setdefault(g["story"], []).append(g)
        for gs in self.groups_by_story.values():
            gs.sort(key=lambda g: (STATUS_ORDER.get(g["status"], 9), -len(g["claims"]), g["id"]))
        self.story_of_article = {a: s["id"] for s in ledger["stories"] for a in s["articles"]}
        self.claims_by_article: dict = {}
        for c in ledger["claims"]:
            self.claims_by_article.setdefault(c["article"], []).append(c)
        self.quotes_by_article: dict = {}
        self.quotes_by_speaker: dict = {}
        for q in ledger["quotes"]:
            self.quotes_by_article.setdefault(q["article"], []).append(q)
            if q["speaker"].get("entity"):
                self.quotes_by_speaker.setdefault(q["speaker"]["entity"], []).append(q)
        self.entities_by_article: dict = {}
        for e in ledger["entities"]:
            for m in e["mentions"]:
                self.entities_by_article.setdefault(m["article"], set()).add(e["id"])
        self.claims_by_speaker: dict = {}
        for c in ledger["claims"]:
            if c["attribution"].get("entity"):
                self.claims_by_speaker.setdefault(c["attribution"]["entity"], []).append(c)
        self.story_list = [self._summary(s) for s in sorted(ledger["stories"], key=lambda s: (s["title"], s["id"]))]
        self.story_summaries = {s["id"]: s for s in self.story_list}

    # ------------------------------------------------------------ small helpers
    def outlet(self, article_id: str) -> str:
        """The article's outlet as a reader sees it: its name, the host of its URL, or "unknown source" (a
        file path is never shown as an outlet)."""
        a = self.articles.get(article_id)
        if a and a.get("outlet"):
            return a["outlet"]
        host = urlparse((a or {}).get("url") or "").netloc.lower()
        host = re.sub(r"^www\d?\.", "", host.split("@")[-1].split(":")[0])
        return host or "unknown source"

    def status_of_claim(self, claim_id: str):
        g = self.group_of_claim.get(claim_id)
        return g["status"] if g else None

    def _summary(self, s: dict) -> dict:
        groups = self.groups_by_story.get(s["id"], [])
        group_counts = {k: 0 for k in STATUSES}
        claim_counts = {k: 0 for k in STATUSES}
        for g in groups:
            group_counts[g["status"]] = group_counts.get(g["status"], 0) + 1
            claim_counts[g["status"]] = claim_counts.get(g["status"], 0) + len(g["claims"])
        outlets = sorted({self.articles[a]["outlet"] for a in s["articles"]
                          if a in self.articles and self.articles[a]["outlet"]})
        dates = sorted(self.articles[a]["published"] for a in s["articles"]
                       if a in self.articles and self.articles[a]["published"])
        return {"id": s["id"], "title": s["title"], "articles": len(s["articles"]), "outlets": outlets,
                "claims": sum(claim_counts.values()), "groups": len(groups),
                "group_counts": group_counts, "claim_counts": claim_counts,
                "first_published": dates[0] if dates else None, "last_published": dates[-1] if dates else None}

    # ------------------------------------------------------------ claim groups
    def group_detail(self, g: dict) -> dict:
        """A claim group with each member claim joined to its article, outlet and conflict explanations."""
        members = []
        for cid in g["claims"]:
            c = self.claims.get(cid)
            if c is None:
                continue
            a = self.articles.get(c["article"], {})
            speaker = self.entities.get(c["attribution"].get("entity") or "")
            members.append({"claim": c, "article": a, "outlet": self.outlet(c["article"]),
                            "speaker": speaker["name"] if speaker else None,
                            "derived_from": [self.outlet(d["article"]) for d in a.get("derived_from", [])]})
        conflicts = []
        for k in g["conflicts"]:
            sides = [{"claim": self.claims[c], "outlet": self.outlet(self.claims[c]["article"])}
                     for c in k["claims"] if c in self.claims]
            conflicts.append({"kind": k["kind"], "detail": k["detail"], "sides": sides})
        n_outlets = len(g["outlets"])
        if g["independent_outlets"] < n_outlets:
            independence = (f"{g['independent_outlets']} of {n_outlets} outlets are independent; "
                            "the others reuse text or rest on the same source")
        else:
            independence = f"{g['independent_outlets']} independent outlet" + ("s" if g["independent_outlets"] != 1 else "")
        return {"group": g, "members": members, "conflicts": conflicts, "independence": independence,
                "help": STATUS_HELP.get(g["status"], ""), "why": self._why(g),
                "related": [{"group": r["group"], "score": r["score"],
                             "fact": (self.groups.get(r["group"]) or {}).get("fact", "")}
                            for r in g.get("related", [])]}

    def _why(self, g: dict) -> list:
        """Why the group's claims were grouped: each same-fact link, its score and what the two claims share."""
        out = []
        for link in g.get("links", []):
            ev = link.get("evidence", {})
            names = [self.entities[e]["name"] for e in ev.get("entities", []) if e in self.entities]
            sides = [self.outlet(self.claims[c]["article"]) for c in link["claims"] if c in self.claims]
            out.append({"score": link["score"], "outlets": sides, "entities": names,
                        "quantities": ev.get("quantities", []), "times": ev.get("times", []),
                        "words": ev.get("words", [])})
        return out

    def disputes_of(self, claim_ids) -> list:
        """Disputes among speakers whose claims are among ``claim_ids``: each side's speaker and claim."""
        ids = set(claim_ids)
        out = []
        for d in self.ledger.get("disputes", []):
            if not any(c in ids for c in d["claims"]):
                continue
            sides = []
            for c, spk in zip(d["claims"], d["speakers"]):
                claim = self.claims.get(c)
                ent = self.entities.get(spk or "")
                sides.append({"claim": claim, "speaker": ent["name"] if ent else None,
                              "outlet": self.outlet(claim["article"]) if claim else None})
            out.append({"detail": d["detail"], "sides": sides})
        return out

    def story_detail(self, story_id: str):
        """A story: its summary, claim groups (detailed), and each article's text cut into segments with the
        claim sentences marked by their group's status. ``None`` when there is no such story."""
        s = self.stories.get(story_id)
        if s is None:
            return None
        groups = [self.group_detail(g) for g in self.groups_by_story.get(story_id, [])]
        sources = []
        for aid in s["articles"]:
            a = self.articles.get(aid)
            if a is None:
                continue
            spans = []
            for c in self.claims_by_article.get(aid, []):
                g = self.group_of_claim.get(c["id"])
                spans.append((c["start"], c["end"], {"kind": "claim", "id": c["id"],
                                                     "status": g["status"] if g else "ungrouped",
                                                     "group": g["id"] if g else None}))
            sources.append({"article": a, "outlet": self.outlet(aid), "segments": segments(a["text"], spans),
                            "derived_from": [{"outlet": self.outlet(d["article"]), "article": d["article"],
                                              "share": d["share"]} for d in a.get("derived_from", [])]})
        story_claims = [c["id"] for aid in s["articles"] for c in self.claims_by_article.get(aid, [])]
        return {"story": s, "summary": self.story_summaries[story_id], "groups": groups, "sources": sources,
                "disputes": self.disputes_of(story_claims)}

    # ------------------------------------------------------------ articles and entities
    def article_detail(self, article_id: str):
        """An article: its text with quotes marked (with their speakers) and headings, claims, captions,
        removed items. ``None`` when there is no such article."""
        a = self.articles.get(article_id)
        if a is None:
            return None
        spans = []
        for q in self.quotes_by_article.get(article_id, []):
            sp = q["speaker"]
            ent = self.entities.get(sp.get("entity") or "")
            name = (ent and ent["name"]) or sp.get("text") or sp.get("description") or "unknown speaker"
            spans.append((q["start"], q["end"], {"kind": "quote", "id": q["id"], "speaker": name,
                                                 "entity": ent["id"] if ent else None, "quote_kind": q["kind"]}))
        for h in a.get("headings", []):
            spans.append((h["start"], h["end"], {"kind": "heading"}))
        claims = [{"claim": c, "status": self.status_of_claim(c["id"]),
                   "group": (self.group_of_claim.get(c["id"]) or {}).get("id")}
                  for c in sorted(self.claims_by_article.get(article_id, []), key=lambda c: c["start"])]
        mentioned = sorted(self.entities_by_article.get(article_id, ()))
        return {"article": a, "outlet": self.outlet(article_id), "segments": segments(a["text"], spans),
                "story": self.stories.get(self.story_of_article.get(article_id, "")),
                "claims": claims, "entities": [self.entities[e] for e in mentioned],
                "derived_from": [{"outlet": self.outlet(d["article"]), "article": d["article"], "share": d["share"]}
                                 for d in a.get("derived_from", [])]}

    def entity_detail(self, entity_id: str, max_mentions: int = 200):
        """An entity: aliases, mentions (with the words around them), quotes it speaks and claims attributed
        to it. ``None`` when there is no such entity."""
        e = self.entities.get(entity_id)
        if e is None:
            return None
        mentions = []
        for m in e["mentions"][:max_mentions]:
            a = self.articles.get(m["article"])
            if a is None:
                continue
            mentions.append({"article": a, "outlet": self.outlet(m["article"]),
                             "snippet": snippet(a["text"], m["start"], m["end"])})
        quotes = []
        for q in self.quotes_by_speaker.get(entity_id, []):
            a = self.articles.get(q["article"])
            if a is not None:
                quotes.append({"quote": q, "text": a["text"][q["start"]:q["end"]], "article": a,
                               "outlet": self.outlet(q["article"])})
        claims = [{"claim": c, "outlet": self.outlet(c["article"]), "status": self.status_of_claim(c["id"])}
                  for c in self.claims_by_speaker.get(entity_id, [])]
        return {"entity": e, "mentions": mentions, "mentions_total": len(e["mentions"]),
                "quotes": quotes, "claims": claims}

    # ------------------------------------------------------------ timeline
    def timeline_rows(self) -> list:
        """Timeline entries with their claims joined (outlet, status), oldest first; ``more``: the entry's
        claims left out of this view (a page of a large timeline shows the first claims of each date)."""
        rows = []
        for t in self.ledger["timeline"]:
            claims = [{"claim": self.claims[c], "outlet": self.outlet(self.claims[c]["article"]),
                       "status": self.status_of_claim(c)} for c in t["claims"] if c in self.claims]
            rows.append({"value": t["value"], "claims": claims, "more": t.get("more", 0)})
        return rows

    def timeline_chart(self, width: int = 860, height: int = 220, counts=None) -> dict:
        """Geometry of an SVG bar chart of dated claims: one bar per timeline value (day, month or year),
        as wide as the period it names, as tall as its number of claims. ``counts``: ``[(value, claims)]``
        of the whole timeline when this view holds only a part of it; each bar's ``index`` is its entry's
        position in the timeline."""
        if counts is None:
            counts = [(t["value"], len(t["claims"])) for t in self.ledger["timeline"]]
        entries = []
        for i, (value, n) in enumerate(counts):
            span = _period(value)
            if span is not None:
                entries.append((value, span[0], span[1], n, i))
        left, right, top, bottom = 40, 20, 16, 36
        chart = {"width": width, "height": height, "bars": [], "ticks": [], "yticks": [],
                 "x0": left, "x1": width - right, "y0": height - bottom, "y1": top}
        if not entries:
            return chart
        lo = min(e[1] for e in entries)
        hi = max(e[2] for e in entries)
        days = max((hi - lo).days, 1)
        scale = (width - left - right) / days
        peak = max(e[3] for e in entries)
        plot_h = height - top - bottom
        for value, start, end, n, index in entries:
            x = left + (start - lo).days * scale
            w = max((end - start).days * scale - 1, 3)
            h = max(plot_h * n / peak, 2)
            chart["bars"].append({"value": value, "n": n, "x": round(x, 1), "w": round(w, 1),
                                  "y": round(height - bottom - h, 1), "h": round(h, 1),
                                  "precision": {4: "year", 7: "month"}.get(len(value), "day"), "index": index,
                                  "href": None})
        for i in range(6):
            d = lo + dt.timedelta(days=round(days * i / 5))
            chart["ticks"].append({"x": round(left + (d - lo).days * scale, 1), "label": d.isoformat()})
        for i in range(3):
            v = round(peak * i / 2)
            chart["yticks"].append({"y": round(height - bottom - plot_h * v / peak, 1), "label": v})
        return chart


def _period(value: str):
    """``(first day, day after the last)`` of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` value, else ``None``."""
    try:
        if len(value) == 4:
            y = int(value)
            return dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
        if len(value) == 7:
            y, m = int(value[:4]), int(value[5:7])
            return dt.date(y, m, 1), (dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1))
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            return d, d + dt.timedelta(days=1)
    except ValueError:
        return None
    return None
