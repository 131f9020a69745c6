"""An invented ledger for the report, API and browser tests: two stories, four articles, and article text,
titles, outlets, captions and names carrying HTML / script payloads that must render as inert text."""
from __future__ import annotations

import copy

SCRIPT = "<script>window.__pwned=1;alert('x')</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
PAYLOADS = (SCRIPT, IMG)


def _article(aid, outlet, title, published, paragraphs, **extra):
    text = "\n\n".join(paragraphs)
    a = {"id": aid, "path": f"inputs/{aid}.txt", "url": None, "outlet": outlet, "title": title,
         "authors": [], "published": published, "published_from": "metadata" if published else None,
         "published_not_before": None, "text": text, "source_map": [[0, len(text), 0]],
         "headings": [], "captions": [], "removed": [], "derived_from": []}
    a.update(extra)
    return a


def _span(article, fragment):
    start = article["text"].index(fragment)
    return start, start + len(fragment)


def _claim(cid, article, sentence, kind="outlet", entity=None, quote=None, modality="asserted",
           entities=(), quantities=(), times=()):
    s, e = _span(article, sentence)
    qs = []
    for frag, value in quantities:
        qs_, qe = _span(article, frag)
        qs.append({"start": qs_, "end": qe, "value": value, "low": None, "high": None, "unit": None,
                   "approximate": False})
    ts = []
    for frag, value in times:
        ts_, te = _span(article, frag)
        ts.append({"start": ts_, "end": te, "value": value})
    return {"id": cid, "article": article["id"], "start": s, "end": e, "text": sentence,
            "attribution": {"kind": kind, "entity": entity, "quote": quote}, "modality": modality,
            "entities": list(entities), "quantities": qs, "times": ts}


def sample_ledger() -> dict:
    """A small ledger (contract format, valid against the schema) about two invented stories."""
    a1 = _article("art-courier", "Harbour Courier", "Fire closes Dunmore grain terminal", "2031-03-04", [
        "Fire closes Dunmore grain terminal",
        "A fire broke out at the Dunmore grain terminal on Tuesday night, forcing 40 workers to leave the site.",
        '"The blaze started in the drying tower," said Mira Okonkwo, the terminal manager.',
        f"A reader comment read {SCRIPT} before it was removed.",
    ], headings=[{"start": 0, "end": 34}],
        captions=[{"text": f"Smoke over the terminal {IMG}", "source_start": None}],
        removed=[{"text": "Subscribe to the Courier for $1 a week", "kind": "promo", "source_start": None},
                 {"text": f"Related: {SCRIPT}", "kind": "related_link", "source_start": None}])
    a2 = _article("art-ledger", "Valley Ledger Online", f"Terminal blaze {IMG}", "2031-03-05", [
        "About 60 workers were evacuated from the Dunmore grain terminal after a fire on Tuesday.",
        '"The blaze started in the drying tower," Mira Okonkwo told reporters.',
        f"Investigators said the damage was limited {IMG} to one building.",
    ])
    a3 = _article("art-northline", "Northline News", "Dunmore terminal fire", "2031-03-05", [
        "About 60 workers were evacuated from the Dunmore grain terminal after a fire on Tuesday.",
        "The port authority said operations would resume in March 2031.",
    ], derived_from=[{"article": "art-ledger", "share": 0.6}])
    a4 = _article("art-gazette", f"Gazette {SCRIPT}", "Kestrel Bridge reopens", None, [
        "The Kestrel Bridge reopened to traffic in 2030 after two years of repairs.",
    ])
    articles = [a1, a2, a3, a4]

    mira_mentions = []
    for a in (a1, a2):
        s, e = _span(a, "Mira Okonkwo")
        mira_mentions.append({"article": a["id"], "start": s, "end": e})
    dun = [dict(zip(("start", "end"), _span(a, "Dunmore grain terminal")), article=a["id"]) for a in (a1, a2, a3)]
    entities = [
        {"id": "ent-mira", "name": "Mira Okonkwo", "type": "PERSON", "aliases": ["Okonkwo", "M. Okonkwo"],
         "mentions": mira_mentions},
        {"id": "ent-dunmore", "name": f"Dunmore grain terminal {IMG}", "type": "ORG", "aliases": [],
         "mentions": [{"article": m["article"], "start": m["start"], "end": m["end"]} for m in dun]},
    ]
    q1s, q1e = _span(a1, '"The blaze started in the drying tower,"')
    q2s, q2e = _span(a2, '"The blaze started in the drying tower,"')
    s1, e1 = _span(a1, "Mira Okonkwo")
    s2, e2 = _span(a2, "Mira Okonkwo")
    quotes = [
        {"id": "q-courier", "article": a1["id"], "start": q1s, "end": q1e, "kind": "direct",
         "speaker": {"entity": "ent-mira", "text": "Mira Okonkwo", "start": s1, "end": e1,
                     "description": "the terminal manager"},
         "cue": {"text": "said", "start": q1e + 1, "end": q1e + 5}},
        {"id": "q-ledger", "article": a2["id"], "start": q2s, "end": q2e, "kind": "direct",
         "speaker": {"entity": "ent-mira", "text": "Mira Okonkwo", "start": s2, "end": e2, "description": None},
         "cue": None},
    ]
    claims = [
        _claim("c-workers-1", a1, "A fire broke out at the Dunmore grain terminal on Tuesday night, forcing "
               "40 workers to leave the site.", quantities=[("40 workers", 40.0)], entities=["ent-dunmore"]),
        _claim("c-workers-2", a2, "About 60 workers were evacuated from the Dunmore grain terminal after a fire "
               "on Tuesday.", quantities=[("60 workers", 60.0)], entities=["ent-dunmore"]),
        _claim("c-workers-3", a3, "About 60 workers were evacuated from the Dunmore grain terminal after a fire "
               "on Tuesday.", quantities=[("60 workers", 60.0)], entities=["ent-dunmore"]),
        _claim("c-tower-1", a1, "The blaze started in the drying tower,", kind="speaker", entity="ent-mira",
               quote="q-courier"),
        _claim("c-tower-2", a2, "The blaze started in the drying tower,", kind="speaker", entity="ent-mira",
               quote="q-ledger"),
        _claim("c-damage", a2, f"Investigators said the damage was limited {IMG} to one building.",
               kind="anonymous", modality="hedged"),
        _claim("c-resume", a3, "The port authority said operations would resume in March 2031.",
               kind="anonymous", times=[("March 2031", "2031-03")]),
        _claim("c-bridge", a4, "The Kestrel Bridge reopened to traffic in 2030 after two years of repairs.",
               times=[("2030", "2030")]),
    ]
    stories = [
        {"id": "story-dunmore", "title": "Fire at the Dunmore grain terminal",
         "articles": ["art-courier", "art-ledger", "art-northline"]},
        {"id": "story-kestrel", "title": f"Kestrel Bridge {SCRIPT}", "articles": ["art-gazette"]},
    ]
    groups = [
        {"id": "g-workers", "story": "story-dunmore", "claims": ["c-workers-1", "c-workers-2", "c-workers-3"],
         "status": "conflicting", "outlets": ["Harbour Courier", "Northline News", "Valley Ledger Online"],
         "independent_outlets": 2,
         "conflicts": [{"claims": ["c-workers-1", "c-workers-2"], "kind": "quantity",
                        "detail": f"40 workers vs 60 workers {IMG}"}]},
        {"id": "g-tower", "story": "story-dunmore", "claims": ["c-tower-1", "c-tower-2"],
         "status": "attributed_only", "outlets": ["Harbour Courier", "Valley Ledger Online"],
         "independent_outlets": 2, "conflicts": []},
        {"id": "g-damage", "story": "story-dunmore", "claims": ["c-damage"], "status": "single_source",
         "outlets": ["Valley Ledger Online"], "independent_outlets": 1, "conflicts": []},
        {"id": "g-resume", "story": "story-dunmore", "claims": ["c-resume"], "status": "single_source",
         "outlets": ["Northline News"], "independent_outlets": 1, "conflicts": []},
        {"id": "g-bridge", "story": "story-kestrel", "claims": ["c-bridge"], "status": "single_source",
         "outlets": [f"Gazette {SCRIPT}"], "independent_outlets": 1, "conflicts": []},
    ]
    text = {c["id"]: c["text"] for c in claims}
    for g in groups:                     # contract v2: the group's fact, its links and related groups
        g.update(fact=text[g["claims"][0]], confidence=None, links=[], related=[])
    groups[0].update(confidence=0.91, links=[
        {"claims": ["c-workers-1", "c-workers-3"], "score": 0.91,
         "evidence": {"entities": [], "quantities": ["40"], "times": [], "words": ["evacuated", f"workers {IMG}"]}}],
        related=[{"group": "g-tower", "score": 0.42}])
    disputes = [{"claims": ["c-tower-1", "c-resume"], "speakers": [None, None],
                 "detail": f"the mayor: 'a total fabrication {IMG}'; the port authority: 'not a fabrication'"}]
    timeline = [{"value": "2030", "claims": ["c-bridge"]}, {"value": "2031-03", "claims": ["c-resume"]}]
    inputs = [{"path": a["path"], "status": "ok", "reason": None, "article": a["id"]} for a in articles]
    return copy.deepcopy({
        "schema": "corroborator.ledger/2",
        "run": {"version": "0.1.0", "started": "2031-03-06T10:00:00+00:00", "finished": "2031-03-06T10:00:05+00:00",
                "inputs": inputs},
        "articles": articles, "entities": entities, "quotes": quotes, "claims": claims, "stories": stories,
        "claim_groups": groups, "disputes": disputes, "timeline": timeline,
    })


def write_store(path, ledger=None):
    """Write ``ledger`` (default: :func:`sample_ledger`) to a DuckDB ledger store at ``path``; return the path."""
    from corroborator.ledger import validate
    from corroborator.store import Store
    ledger = ledger or sample_ledger()
    validate(ledger)
    with Store(path) as store:
        store.write_ledger(ledger)
    return path


# ---------------------------------------------------------------- tests of the web pages and JSON API
import pytest  # noqa: E402

from corroborator.errors import LedgerError  # noqa: E402


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return write_store(tmp_path_factory.mktemp("serve") / "ledger.duckdb")


@pytest.fixture(scope="module")
def client(store_path):
    from fastapi.testclient import TestClient
    from corroborator.serve.app import create_app
    return TestClient(create_app(store_path))


def _no_live_markup(html: str):
    """No payload from the ledger reached the page as markup; each shows as escaped text instead."""
    for p in PAYLOADS:
        assert p not in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()


@pytest.mark.parametrize("url", ["/", "/stories/story-dunmore", "/stories/story-kestrel", "/articles",
                                 "/articles/art-courier", "/articles/art-ledger", "/articles/art-gazette",
                                 "/entities", "/entities/ent-dunmore", "/entities/ent-mira", "/timeline",
                                 "/search?q=workers", "/search?q=gazette+kestrel"])
def test_pages_render_and_escape_article_text(client, url):
    r = client.get(url)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none': no script may run
    _no_live_markup(r.text)


def test_payloads_are_shown_as_text(client):
    html = client.get("/articles/art-courier").text
    assert "&lt;script&gt;window.__pwned=1;" in html  # the reader comment is shown, escaped
    assert "Smoke over the terminal &lt;img src=x" in html  # caption
    assert "promo" in html and "Subscribe to the Courier" in html  # removed item and why
    home = client.get("/").text
    assert "Kestrel Bridge &lt;script&gt;" in home


def test_stories_list_counts_claims_by_status(client):
    html = client.get("/").text
    assert html.count('class="story-row"') == 2
    stories = client.get("/api/stories").json()
    dun = next(s for s in stories["items"] if s["id"] == "story-dunmore")
    assert dun["claim_counts"] == {"conflicting": 3, "corroborated": 0, "attributed_only": 2, "single_source": 2}
    assert dun["group_counts"]["single_source"] == 2
    assert client.get("/api/stories?q=kestrel").json()["total"] == 1


def test_story_page_shows_groups_conflicts_independence_and_highlights(client):
    html = client.get("/stories/story-dunmore").text
    assert html.count('class="group st-') == 4
    assert "40 workers vs 60 workers &lt;img" in html  # the conflict is explained
    assert "2 of 3 outlets are independent" in html
    # every claim sentence of the story is highlighted in its article's column, by its group's status
    for cid in ("c-workers-1", "c-workers-2", "c-workers-3", "c-tower-1", "c-damage", "c-resume"):
        assert f'id="claim-{cid}"' in html
    assert 'class="claim st-conflicting" id="claim-c-workers-1"' in html
    assert html.count('class="source"') == 3


def test_article_page_marks_quotes_with_speakers(client):
    html = client.get("/articles/art-courier").text
    assert 'id="quote-q-courier"' in html
    assert '<a href="/entities/ent-mira">Mira Okonkwo</a>' in html
    assert "Captions (1)" in html and "Removed from the body (2)" in html


def test_entity_page_lists_aliases_mentions_and_quotes(client):
    html = client.get("/entities/ent-mira").text
    assert "M. Okonkwo" in html and "Mentions (2)" in html and "Quotes (2)" in html


def test_timeline_is_inline_svg(client):
    html = client.get("/timeline").text
    assert "<svg" in html and html.count('class="bar ') == 2
    assert 'id="t-2031-03"' in html


def test_search_finds_claims_and_limits_to_story(client):
    r = client.get("/api/search", params={"q": "workers evacuated"}).json()
    assert {i["claim"]["id"] for i in r["items"]} == {"c-workers-2", "c-workers-3"}
    assert all(i["status"] == "conflicting" for i in r["items"])
    r = client.get("/api/search", params={"q": "worker"}).json()  # plural folded
    assert r["total"] == 3
    assert client.get("/api/search", params={"q": "bridge", "story": "story-dunmore"}).json()["total"] == 0
    assert client.get("/api/search", params={"q": "bridge", "story": "story-kestrel"}).json()["total"] == 1
    assert client.get("/api/search", params={"q": "zebra"}).json()["total"] == 0
    html = client.get("/search", params={"q": "drying tower"}).text
    assert html.count('class="claim result"') == 2


def test_api_pagination(client):
    first = client.get("/api/claims", params={"limit": 3}).json()
    assert first["total"] == 8 and len(first["items"]) == 3 and first["next_offset"] == 3
    seen = [c["id"] for c in first["items"]]
    offset = first["next_offset"]
    while offset is not None:
        page = client.get("/api/claims", params={"limit": 3, "offset": offset}).json()
        seen += [c["id"] for c in page["items"]]
        offset = page["next_offset"]
    assert sorted(seen) == sorted(c["id"] for c in sample_ledger()["claims"])
    assert client.get("/api/claims", params={"status": "single_source"}).json()["total"] == 3


@pytest.mark.parametrize("url", ["/api/stories", "/api/stories/story-dunmore", "/api/claim-groups",
                                 "/api/claim-groups/g-workers", "/api/claims/c-tower-1", "/api/articles",
                                 "/api/articles/art-ledger", "/api/entities", "/api/entities/ent-mira",
                                 "/api/quotes", "/api/timeline", "/api"])
def test_api_endpoints_answer_json(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"


def test_api_records_keep_the_ledger_format(client):
    a = client.get("/api/articles/art-courier").json()
    assert a == next(x for x in sample_ledger()["articles"] if x["id"] == "art-courier")


@pytest.mark.parametrize("url,status", [
    ("/api/claims?limit=0", 422), ("/api/claims?limit=501", 422), ("/api/claims?offset=-1", 422),
    ("/api/claims?limit=ten", 422), ("/api/claim-groups?status=maybe", 422), ("/api/search", 422),
    ("/api/search?q=" + "w" * 201, 422), ("/api/stories/nope", 404), ("/api/articles/nope", 404),
    ("/api/search?q=fire&story=nope", 404), ("/api/nothing", 404), ("/api/entities?type=ALIEN", 422),
])
def test_api_errors_are_clear_json(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["status"] == status and err["message"]


def test_page_errors_are_html(client):
    r = client.get("/stories/nope")
    assert r.status_code == 404 and "no story with id" in r.text and r.headers["content-type"].startswith("text/html")


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/search", "/api/claims/{claim_id}", "/api/timeline"} <= set(spec["paths"])
    params = {p["name"]: p for p in spec["paths"]["/api/claims"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 500
    assert not any(p.startswith("/stories") for p in spec["paths"])  # pages stay out of the API description


def test_refuses_writes_bodies_and_oversized_requests(client):
    assert client.post("/api/stories").status_code == 405
    assert client.delete("/api/stories/story-dunmore").status_code == 405
    assert client.get("/api/stories", params={"q": "x" * 3000}).status_code == 414
    r = client.request("GET", "/api/stories", content=b'{"a": 1}')
    assert r.status_code == 413 and r.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/static/../app.py", "/static/..%2Fapp.py", "/static/%2e%2e/search.py",
                                 "/static//etc/passwd", "/static/nothing.css"])
def test_serves_only_its_own_static_files(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "import" not in r.text and "root:" not in r.text


def test_static_stylesheet(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")


def test_host_check_when_bound_to_loopback(store_path):
    from fastapi.testclient import TestClient
    from corroborator.serve.app import LOOPBACK_HOSTS, create_app
    c = TestClient(create_app(store_path, allowed_hosts=LOOPBACK_HOSTS), base_url="http://127.0.0.1:8000")
    assert c.get("/api").status_code == 200
    assert c.get("/api", headers={"host": "evil.example:8000"}).status_code == 400


def test_missing_store_is_a_ledger_error(tmp_path):
    from corroborator.serve.app import create_app
    with pytest.raises(LedgerError):
        create_app(tmp_path / "none.duckdb")


def test_store_is_opened_read_only(store_path):
    import hashlib
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    from corroborator.serve.app import create_app
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    c = TestClient(create_app(store_path))
    for url in ("/", "/stories/story-dunmore", "/articles", "/api/claims", "/search?q=fire"):
        assert c.get(url).status_code == 200, url
    # another reader (a second server, a notebook) can open the store while this one runs
    code = ("import sys; from corroborator.store import Store\n"
            "with Store(sys.argv[1], read_only=True) as s: print(len(s.read_table('claims')))")
    r = subprocess.run([sys.executable, "-c", code, str(store_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "8", r.stderr
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before     # nothing written


def test_serve_reads_the_store_piece_by_piece_not_the_whole_ledger(store_path, monkeypatch):
    from fastapi.testclient import TestClient

    from corroborator.serve import app as app_module
    from corroborator.store import Store

    def whole_ledger(*args, **kwargs):
        raise AssertionError("serve read the whole ledger")

    monkeypatch.setattr(Store, "read_ledger", whole_ledger)
    monkeypatch.setattr(Store, "read_table", whole_ledger)
    c = TestClient(app_module.create_app(store_path))
    for url in ("/", "/stories/story-dunmore", "/articles", "/entities", "/timeline", "/api/stories",
                "/api/claims?status=conflicting", "/api/entities/ent-mira"):
        assert c.get(url).status_code == 200, url


def test_a_long_timeline_is_paged_and_its_bars_link_to_their_page(tmp_path):
    from fastapi.testclient import TestClient

    from corroborator.serve.app import PAGE_SIZE, create_app
    ledger = sample_ledger()
    days = [f"2031-{m:02d}-{d:02d}" for m in range(1, 4) for d in range(1, 29)][:PAGE_SIZE + 10]
    ledger["timeline"] = [{"value": v, "claims": ["c-resume"]} for v in days]
    c = TestClient(create_app(write_store(tmp_path / "ledger.duckdb", ledger)))
    first = c.get("/timeline").text
    assert f'id="t-{days[0]}"' in first and f'id="t-{days[PAGE_SIZE]}"' not in first
    assert f'href="/timeline?offset={PAGE_SIZE}#t-{days[PAGE_SIZE]}"' in first      # its bar points to page 2
    assert f'href="#t-{days[1]}"' in first                                          # ... and this page's to itself
    second = c.get(f"/timeline?offset={PAGE_SIZE}").text
    assert f'id="t-{days[PAGE_SIZE]}"' in second and f'id="t-{days[0]}"' not in second
    assert 'rel="prev"' in second


def test_claim_and_group_links_outside_a_page_redirect_to_their_story(client):
    r = client.get("/claims/c-damage", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/stories/story-dunmore#claim-c-damage"
    r = client.get("/claim-groups/g-bridge", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/stories/story-kestrel#group-g-bridge"
    assert client.get("/claims/nope").status_code == 404


def test_the_readers_scratch_files_go_with_it(store_path):
    import gc
    import pathlib

    from corroborator.store.reader import LedgerReader
    reader = LedgerReader.open(store_path)
    scratch = pathlib.Path(reader.scratch)
    assert scratch.is_dir() and reader.record("claims", "c-damage")["article"] == "art-ledger"
    del reader
    gc.collect()
    assert not scratch.exists()
