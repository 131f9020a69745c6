"""Load test of ``corroborator serve``: N concurrent clients against the JSON API for a fixed time, on loopback.

    .venv/bin/python bench/load_api.py [--articles 1000] [--clients 50] [--duration 30] [--pages]

Builds a synthetic ledger (invented outlets, people and text; nothing read from ../shared), writes it to a
temporary store, starts ``corroborator serve`` on a free loopback port in its own process, then runs the
clients (httpx, asyncio) over a mix of API requests: story lists and details, claims, articles, entities,
quotes, timeline and full-text search. Prints requests/s, p50/p95/p99 latency and the error count; exits 1
when any request failed (a non-200 answer or a transport error). Bounded: every request has a timeout and
the whole run stops after --duration seconds (plus start-up).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time

OUTLETS = ["Harbour Courier", "Valley Ledger Online", "Northline News", "Gazette of Eastmere", "The Brackwater Post",
           "Redfield Daily", "Coastal Wire", "Upland Observer", "Metro Bulletin", "Saltmarsh Times"]
FIRST = ["Mira", "Tomas", "Ines", "Kofi", "Hana", "Pavel", "Lucia", "Arjun", "Greta", "Omar", "Sade", "Ivo"]
LAST = ["Okonkwo", "Varga", "Lindqvist", "Mensah", "Ferreira", "Novak", "Castell", "Iyer", "Brandt", "Haddad"]
PLACES = ["Dunmore", "Kestrel", "Ashby", "Wexcombe", "Torrin", "Gallowmere", "Pennick", "Oradell"]
EVENTS = ["fire at the {p} grain terminal", "flooding in {p}", "closure of the {p} bridge",
          "strike at the {p} port", "power cut across {p}", "collapse of the {p} warehouse"]
VERBS = ["said", "told reporters", "confirmed", "wrote in a statement"]
FILLER = ("Residents gathered near the site while crews worked through the night. Officials promised a full "
          "review of safety rules. Local businesses reported delays. The council will meet again next week.")


def synthetic_ledger(n_articles: int = 1000, per_story: int = 20, seed: int = 7) -> dict:
    """An invented ledger (contract format) of ``n_articles`` articles in stories of ``per_story``."""
    rnd = random.Random(seed)
    people = [f"{f} {l}" for f in FIRST for l in LAST]
    articles, claims, quotes, groups, stories = [], [], [], [], []
    entities: dict = {}
    timeline: dict = {}
    n_stories = max(1, n_articles // per_story)
    for si in range(n_stories):
        place = PLACES[si % len(PLACES)]
        event = EVENTS[si % len(EVENTS)].format(p=place)
        speaker = people[si % len(people)]
        day = 1 + si % 27
        facts = [(f"The {event} began on 2031-03-{day:02d}.", "2031-03-%02d" % day),
                 (f"About {{n}} people were affected by the {event}.", None),
                 (f"Emergency crews from {PLACES[(si + 3) % len(PLACES)]} were called in.", None),
                 (f"Repairs are expected to finish in 2031-0{1 + si % 9}.", "2031-0%d" % (1 + si % 9)),
                 (f"The cause of the {event} is still under investigation.", None)]
        sid = f"s{si:04d}"
        story_articles, group_claims = [], {k: [] for k in range(len(facts))}
        for ai in range(per_story):
            idx = si * per_story + ai
            if idx >= n_articles:
                break
            aid = f"a{idx:05d}"
            outlet = OUTLETS[(si + ai) % len(OUTLETS)]
            paras, spans = [f"{event.capitalize()}: what we know"], []
            for k, (sent, tval) in enumerate(facts):
                s = sent.format(n=rnd.choice([40, 60]) if k == 1 else 0)
                paras.append(s + " " + FILLER)
                spans.append((k, s, tval))
            qtext = f'"We are doing everything we can," {speaker} {rnd.choice(VERBS)}.'
            paras.append(qtext)
            text, pos = "", {}
            for p in paras:
                if text:
                    text += "\n\n"
                pos[p] = len(text)
                text += p
            for k, s, tval in spans:
                start = text.index(s)
                cid = f"c{idx:05d}-{k}"
                times = []
                if tval:
                    ts = text.index(tval, start)
                    times = [{"start": ts, "end": ts + len(tval), "value": tval}]
                    timeline.setdefault(tval, []).append(cid)
                claims.append({"id": cid, "article": aid, "start": start, "end": start + len(s), "text": s,
                               "attribution": {"kind": "outlet", "entity": None, "quote": None},
                               "modality": "asserted", "entities": [], "quantities": [], "times": times})
                group_claims[k].append((cid, outlet))
            qs = text.index(qtext)
            qe = qs + len('"We are doing everything we can,"')
            ss = text.index(speaker, qe)
            eid = "e" + str(people.index(speaker))
            ent = entities.setdefault(eid, {"id": eid, "name": speaker, "type": "PERSON",
                                            "aliases": [speaker.split()[1]], "mentions": []})
            ent["mentions"].append({"article": aid, "start": ss, "end": ss + len(speaker)})
            quotes.append({"id": f"q{idx:05d}", "article": aid, "start": qs, "end": qe, "kind": "direct",
                           "speaker": {"entity": eid, "text": speaker, "start": ss, "end": ss + len(speaker),
                                       "description": None}, "cue": None})
            articles.append({"id": aid, "path": f"synthetic/{aid}.txt", "url": None, "outlet": outlet,
                             "title": f"{event.capitalize()} ({outlet})", "authors": [],
                             "published": f"2031-03-{min(day + ai % 3, 28):02d}", "published_from": "metadata",
                             "published_not_before": None, "text": text, "source_map": [[0, len(text), 0]],
                             "headings": [{"start": 0, "end": len(paras[0])}], "captions": [], "removed": [],
                             "derived_from": []})
            story_articles.append(aid)
        stories.append({"id": sid, "title": event.capitalize(), "articles": story_articles})
        for k, members in group_claims.items():
            if not members:
                continue
            outlets = sorted({o for _, o in members})
            status = "conflicting" if k == 1 else ("corroborated" if len(outlets) > 1 else "single_source")
            conflicts = ([{"claims": [members[0][0], members[1][0]], "kind": "quantity", "detail": "40 vs 60 people"}]
                         if k == 1 and len(members) > 1 else [])
            groups.append({"id": f"g{si:04d}-{k}", "story": sid, "claims": [c for c, _ in members],
                           "status": status if conflicts or k != 1 else "single_source", "outlets": outlets,
                           "independent_outlets": len(outlets), "conflicts": conflicts})
    return {"schema": "corroborator.ledger/1",
            "run": {"version": "bench", "started": "2031-04-01T00:00:00+00:00",
                    "finished": "2031-04-01T00:01:00+00:00",
                    "inputs": [{"path": a["path"], "status": "ok", "reason": None, "article": a["id"]}
                               for a in articles]},
            "articles": articles, "entities": sorted(entities.values(), key=lambda e: e["id"]), "quotes": quotes,
            "claims": claims, "stories": stories, "claim_groups": groups,
            "timeline": [{"value": v, "claims": timeline[v]} for v in sorted(timeline)]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _requests(ledger: dict, rnd: random.Random, pages: bool):
    """An endless mix of GET paths over the ledger."""
    stories = [s["id"] for s in ledger["stories"]]
    claims = [c["id"] for c in ledger["claims"]]
    articles = [a["id"] for a in ledger["articles"]]
    entities = [e["id"] for e in ledger["entities"]]
    words = ["fire", "flooding", "bridge", "crews", "repairs", "people affected", "investigation", "port strike"]
    mix = [
        lambda: f"/api/stories?limit=20&offset={rnd.randrange(0, len(stories), 10)}",
        lambda: f"/api/stories/{rnd.choice(stories)}",
        lambda: f"/api/claims/{rnd.choice(claims)}",
        lambda: f"/api/claims?limit=50&offset={rnd.randrange(0, len(claims))}",
        lambda: f"/api/claim-groups?story={rnd.choice(stories)}&status=corroborated",
        lambda: f"/api/articles/{rnd.choice(articles)}",
        lambda: f"/api/articles?limit=100&offset={rnd.randrange(0, len(articles))}",
        lambda: f"/api/entities/{rnd.choice(entities)}",
        lambda: f"/api/quotes?article={rnd.choice(articles)}",
        lambda: "/api/timeline?limit=100",
        lambda: f"/api/search?q={rnd.choice(words).replace(' ', '+')}&limit=20",
        lambda: f"/api/search?q={rnd.choice(words).replace(' ', '+')}&story={rnd.choice(stories)}",
    ]
    if pages:
        mix += [lambda: f"/stories/{rnd.choice(stories)}", lambda: f"/articles/{rnd.choice(articles)}",
                lambda: "/", lambda: f"/search?q={rnd.choice(words)}"]
    while True:
        yield rnd.choice(mix)()


async def _load(base: str, ledger: dict, clients: int, duration: float, pages: bool) -> dict:
    import httpx
    latencies, errors, samples = [], 0, []
    stop = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=httpx.Timeout(10.0)) as http:
        async def client(n):
            nonlocal errors
            paths = _requests(ledger, random.Random(n), pages)
            while time.perf_counter() < stop:
                path = next(paths)
                t0 = time.perf_counter()
                try:
                    r = await http.get(path)
                    ok = r.status_code == 200
                    await r.aclose()
                except httpx.HTTPError as exc:
                    ok = False
                    r = exc
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    errors += 1
                    if len(samples) < 5:
                        samples.append(f"{path}: {getattr(r, 'status_code', r)!r}")
        t_start = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.perf_counter() - t_start
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0] if lat else 0.0] * 99
    return {"requests": len(lat), "seconds": round(elapsed, 1), "requests_per_s": round(len(lat) / elapsed, 1),
            "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "errors": errors, "error_samples": samples}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--pages", action="store_true", help="mix HTML pages into the requests")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    ledger = synthetic_ledger(args.articles)
    from corroborator.ledger import validate
    from corroborator.store import Store
    validate(ledger)
    with tempfile.TemporaryDirectory() as tmp:
        store_path = os.path.join(tmp, "ledger.duckdb")
        with Store(store_path) as store:
            store.write_ledger(ledger)
        print(f"ledger: {len(ledger['articles'])} articles, {len(ledger['claims'])} claims, "
              f"{len(ledger['claim_groups'])} claim groups, {len(ledger['stories'])} stories "
              f"(built in {time.perf_counter() - t0:.1f} s)", file=sys.stderr)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "corroborator", "serve", "--ledger", store_path,
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx
            t1 = time.perf_counter()
            while True:
                if server.poll() is not None:
                    print("server exited: " + server.stderr.read().decode(errors="replace"), file=sys.stderr)
                    return 1
                try:
                    if httpx.get(base + "/api", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.perf_counter() - t1 > 120:
                    print("server did not start within 120 s", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            print(f"server ready in {time.perf_counter() - t1:.1f} s; {args.clients} clients for "
                  f"{args.duration:.0f} s", file=sys.stderr)
            result = asyncio.run(_load(base, ledger, args.clients, args.duration, args.pages))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    result.update(articles=args.articles, clients=args.clients, pages=args.pages)
    print(json.dumps(result, indent=1))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
