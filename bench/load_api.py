"""Load test of ``corroborator serve``: N concurrent clients for a fixed time, on loopback.

    .venv/bin/python bench/load_api.py [--articles 1000 | --ledger DIR/ledger.duckdb] [--clients 50]
                                       [--duration 30] [--workers N] [--api-only] [--json FILE]

Builds a synthetic ledger (invented outlets, people and text; nothing read from ../shared) and writes it to a
temporary store, or takes an existing store (``--ledger``, e.g. one ``corroborator analyze`` wrote); starts
``corroborator serve`` on a free loopback port in its own process; then runs the clients over a mix of every
web page and every API endpoint, each list with a random choice of its filters, limits and offsets (see
``request_mix``). Prints, overall and per endpoint, the requests, p50/p95 latency and the errors; exits 1 when
any request failed (an answer other than 200, or 303 for the two redirects, or a transport error or timeout).

The clients are a minimal HTTP/1.1 keep-alive client on asyncio streams (one connection each), not httpx: on a
2-core machine the load generator shares the CPU with the server, and httpx took several times its CPU per
request. Bounded: every request has a timeout (10 s) and the run stops after --duration seconds (plus start-up).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
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
    from corroborator.ledger import SCHEMA_ID
    from corroborator.store.duckdb_store import LEDGER_TABLES
    data = {"schema": SCHEMA_ID,
            "run": {"version": "bench", "started": "2031-04-01T00:00:00+00:00",
                    "finished": "2031-04-01T00:01:00+00:00",
                    "inputs": [{"path": a["path"], "status": "ok", "reason": None, "article": a["id"]}
                               for a in articles]},
            "articles": articles, "entities": sorted(entities.values(), key=lambda e: e["id"]), "quotes": quotes,
            "claims": claims, "stories": stories, "claim_groups": groups,
            "timeline": [{"value": v, "claims": timeline[v]} for v in sorted(timeline)]}
    for table in LEDGER_TABLES:          # a table of a later contract that this invented ledger does not fill
        data.setdefault(table, [])
    if SCHEMA_ID != "corroborator.ledger/1":     # contract v2: each group states its fact, links and relations
        text = {c["id"]: c["text"] for c in claims}
        for g in groups:
            g.update(fact=text[g["claims"][0]], confidence=None, links=[], related=[])
    return data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ids_of_ledger(ledger: dict) -> dict:
    """What the request mix picks from: ids, outlets, speakers and title words of a ledger dict."""
    return {"stories": [s["id"] for s in ledger["stories"]], "claims": [c["id"] for c in ledger["claims"]],
            "groups": [g["id"] for g in ledger["claim_groups"]], "articles": [a["id"] for a in ledger["articles"]],
            "entities": [e["id"] for e in ledger["entities"]],
            "outlets": sorted({a["outlet"] for a in ledger["articles"] if a.get("outlet")}),
            "speakers": sorted({q["speaker"]["entity"] for q in ledger["quotes"] if q["speaker"].get("entity")}),
            "words": sorted({w.lower() for s in ledger["stories"] for w in (s.get("title") or "").split()
                             if len(w) > 3})[:200]}


def ids_of_store(path) -> dict:
    """The same, read from a ledger store (read-only, closed before the server opens it)."""
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        col = lambda sql: [r[0] for r in con.execute(sql).fetchall()]   # noqa: E731
        return {"stories": col("SELECT id FROM stories"), "claims": col("SELECT id FROM claims"),
                "groups": col("SELECT id FROM claim_groups"), "articles": col("SELECT id FROM articles"),
                "entities": col("SELECT id FROM entities"),
                "outlets": col("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1"),
                "speakers": col("SELECT DISTINCT record->'speaker'->>'entity' AS e FROM quotes WHERE e IS NOT NULL "
                                "ORDER BY 1"),
                "words": col("SELECT DISTINCT lower(w) FROM (SELECT unnest(string_split(title, ' ')) AS w FROM "
                             "stories) WHERE length(w) > 3 ORDER BY 1 LIMIT 200")}
    finally:
        con.close()


STATUSES = ["corroborated", "attributed_only", "single_source", "conflicting"]
TYPES = ["PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "OTHER"]
SEARCH = ["fire", "flooding", "bridge", "crews", "repairs", "people affected", "investigation", "port strike",
          "police", "president", "said", "million", "government", "court", "election"]


def request_mix(ids: dict, rnd: random.Random, pages: bool = True):
    """An endless stream of ``(endpoint, path)``: every web page and API endpoint, each list with each of its
    filters present or not (at random), random limits and offsets."""
    from urllib.parse import quote, urlencode

    def pick(key):
        return rnd.choice(ids[key]) if ids[key] else "none"

    def maybe(**params):
        return {k: v for k, v in params.items() if rnd.random() < 0.5}

    def url(path, params):
        params = {k: v for k, v in params.items() if v is not None}
        return path + ("?" + urlencode(params) if params else "")

    def one(key):
        return quote(pick(key), safe="")

    def page():
        return {"limit": rnd.choice([1, 10, 20, 50, 100]), "offset": rnd.choice([0, 0, 10, rnd.randrange(500)])}

    api = {
        "/api": lambda: "/api",
        "/api/stories": lambda: url("/api/stories", maybe(q=pick("words")) | page()),
        "/api/stories/{id}": lambda: f"/api/stories/{one('stories')}",
        "/api/claim-groups": lambda: url("/api/claim-groups",
                                         maybe(story=pick("stories"), status=rnd.choice(STATUSES)) | page()),
        "/api/claim-groups/{id}": lambda: f"/api/claim-groups/{one('groups')}",
        "/api/claims": lambda: url("/api/claims", maybe(article=pick("articles"), status=rnd.choice(STATUSES))
                                   | page()),
        "/api/claims/{id}": lambda: f"/api/claims/{one('claims')}",
        "/api/articles": lambda: url("/api/articles", maybe(outlet=pick("outlets")) | page()),
        "/api/articles/{id}": lambda: f"/api/articles/{one('articles')}",
        "/api/entities": lambda: url("/api/entities", maybe(type=rnd.choice(TYPES), q=pick("words")[:4]) | page()),
        "/api/entities/{id}": lambda: f"/api/entities/{one('entities')}",
        "/api/quotes": lambda: url("/api/quotes", maybe(article=pick("articles"), speaker=pick("speakers"))
                                   | page()),
        "/api/timeline": lambda: url("/api/timeline", page()),
        "/api/search": lambda: url("/api/search", {"q": rnd.choice(SEARCH + ids["words"][:20])}
                                   | maybe(story=pick("stories")) | page()),
    }
    web = {
        "/": lambda: url("/", maybe(q=pick("words"), offset=rnd.choice([0, 50]))),
        "/stories/{id}": lambda: f"/stories/{one('stories')}",
        "/articles": lambda: url("/articles", maybe(offset=rnd.randrange(0, 500, 50))),
        "/articles/{id}": lambda: f"/articles/{one('articles')}",
        "/entities": lambda: url("/entities", maybe(q=pick("words")[:4], offset=50)),
        "/entities/{id}": lambda: f"/entities/{one('entities')}",
        "/timeline": lambda: url("/timeline", maybe(offset=50)),
        "/search": lambda: url("/search", {"q": rnd.choice(SEARCH)} | maybe(story=pick("stories"))),
        "/claims/{id}": lambda: f"/claims/{one('claims')}",
        "/claim-groups/{id}": lambda: f"/claim-groups/{one('groups')}",
    }
    mix = list(api.items()) + (list(web.items()) if pages else [])
    while True:
        name, make = rnd.choice(mix)
        yield name, make()


REDIRECTS = ("/claims/{id}", "/claim-groups/{id}")


class _Connection:
    """One keep-alive HTTP/1.1 connection: ``await get(path) -> (status, body bytes)``."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, path: str):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _quantile(sorted_values, q):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def summarise(records) -> dict:
    """``records``: ``(endpoint, seconds, ok)``. Requests, p50/p95 (ms) and errors, overall and per endpoint."""
    def stats(rows):
        lat = sorted(r[1] for r in rows)
        return {"requests": len(rows), "p50_ms": round(_quantile(lat, 0.50) * 1000, 1),
                "p95_ms": round(_quantile(lat, 0.95) * 1000, 1), "max_ms": round((lat[-1] if lat else 0) * 1000, 1),
                "errors": sum(1 for r in rows if not r[2])}
    by: dict = {}
    for r in records:
        by.setdefault(r[0], []).append(r)
    return {**stats(records), "endpoints": {k: stats(v) for k, v in sorted(by.items())}}


async def run_load(host: str, port: int, ids: dict, clients: int, duration: float, pages: bool = True,
                   timeout: float = 10.0) -> dict:
    """``clients`` clients, each on its own connection, sending the mix for ``duration`` seconds."""
    records, samples = [], []
    stop = time.perf_counter() + duration

    async def client(n):
        conn = _Connection(host, port)
        mix = request_mix(ids, random.Random(n), pages)
        try:
            while time.perf_counter() < stop:
                name, path = next(mix)
                t0 = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(conn.get(path), timeout)
                    ok = status == 200 or (status == 303 and name in REDIRECTS)
                    why = status
                except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                    conn.close()
                    ok, why = False, repr(exc)
                records.append((name, time.perf_counter() - t0, ok))
                if not ok and len(samples) < 10:
                    samples.append(f"{path}: {why}")
        finally:
            conn.close()

    t_start = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - t_start
    out = summarise(records)
    out.update(seconds=round(elapsed, 1), requests_per_s=round(len(records) / elapsed, 1), error_samples=samples)
    return out


def start_server(store_path, workers=None, extra=()):
    """``(process, port)``: ``corroborator serve`` over ``store_path``, answering on a free loopback port."""
    port = _free_port()
    cmd = [sys.executable, "-m", "corroborator", "serve", "--ledger", str(store_path), "--port", str(port), *extra]
    if workers:
        cmd += ["--workers", str(workers)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    while True:
        if server.poll() is not None:
            raise RuntimeError("server exited: " + server.stderr.read().decode(errors="replace"))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return server, port
        except OSError:
            pass
        if time.perf_counter() - t1 > 120:
            server.kill()
            raise RuntimeError("server did not start within 120 s")
        time.sleep(0.2)


def stop_server(server) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def print_table(result: dict) -> None:
    print(f"{'endpoint':24s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'errors':>6s}",
          file=sys.stderr)
    for name, r in list(result["endpoints"].items()) + [("all", result)]:
        print(f"{name:24s} {r['requests']:8d} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} "
              f"{r['errors']:6d}", file=sys.stderr)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000, help="size of the synthetic ledger")
    ap.add_argument("--ledger", metavar="DIR/ledger.duckdb", help="an existing store instead of a synthetic one")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--workers", type=int, help="the server's worker threads (default: its own, one per core)")
    ap.add_argument("--api-only", action="store_true", help="no web pages in the mix")
    ap.add_argument("--json", metavar="FILE", help="also write the result there")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        if args.ledger:
            store_path, ids = args.ledger, ids_of_store(args.ledger)
            what = f"{args.ledger}: {len(ids['articles'])} articles, {len(ids['claims'])} claims"
        else:
            t0 = time.perf_counter()
            ledger = synthetic_ledger(args.articles)
            from corroborator.ledger import validate
            from corroborator.store import Store
            validate(ledger)
            store_path = os.path.join(tmp, "ledger.duckdb")
            with Store(store_path) as store:
                store.write_ledger(ledger)
            ids = ids_of_ledger(ledger)
            what = (f"synthetic ledger: {len(ledger['articles'])} articles, {len(ledger['claims'])} claims, "
                    f"{len(ledger['claim_groups'])} claim groups, {len(ledger['stories'])} stories (built in "
                    f"{time.perf_counter() - t0:.1f} s)")
            del ledger
        print(what, file=sys.stderr)
        t1 = time.perf_counter()
        server, port = start_server(store_path, args.workers)
        try:
            print(f"server ready in {time.perf_counter() - t1:.1f} s; {args.clients} clients for "
                  f"{args.duration:.0f} s", file=sys.stderr)
            result = asyncio.run(run_load("127.0.0.1", port, ids, args.clients, args.duration, not args.api_only))
        finally:
            stop_server(server)
    result.update(ledger=args.ledger or f"synthetic {args.articles}", clients=args.clients,
                  workers=args.workers, pages=not args.api_only)
    print_table(result)
    print(json.dumps({k: v for k, v in result.items() if k != "endpoints"}, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
