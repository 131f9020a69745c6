"""URLs and feeds as inputs: fetched from a local HTTP server started here (never the internet), kept under
--out/fetched, analysed again offline from the kept copies; every failure is a failed input with a reason."""
from __future__ import annotations

import http.server
import json
import re
import threading

import pytest

from conftest import validated

# ---------------------------------------------------------------- an invented story, three outlets
ARTICLES = {
    "/news/ferry-aground": ("Ferry runs aground off Marrow Point", "The Tidewater Courier", "2024-05-14", [
        "A passenger ferry ran aground off Marrow Point on Monday evening, the Ostrand Coast Guard said.",
        "All 212 passengers were taken ashore by lifeboats, according to harbour master Ilse Varga. "
        "Three people were treated for minor injuries.",
        "The vessel, the Northern Wren, had left Kestel harbour at 6 pm and struck a sandbank in fog, "
        "Varga told reporters.",
        "The operator, Brightwater Lines, said it would suspend the Kestel route until Thursday.",
    ]),
    "/story/wren-sandbank": ("Northern Wren strikes sandbank; 212 brought ashore", "Ostrand Daily", "2024-05-14", [
        "The ferry Northern Wren struck a sandbank off Marrow Point on Monday, the Ostrand Coast Guard said.",
        "Harbour master Ilse Varga said all 212 passengers were brought ashore in lifeboats and three were "
        "treated for minor injuries.",
        "Brightwater Lines has suspended the Kestel route until Thursday while divers inspect the hull.",
        "Fog had settled over the strait by late afternoon, local fishermen said.",
    ]),
    "/a/ferry-marrow": ("Fog blamed as ferry grounds near Marrow Point", "Kestel Evening Post", "2024-05-15", [
        "Fog is being blamed after the ferry Northern Wren ran aground near Marrow Point on Monday.",
        "The Ostrand Coast Guard said 212 passengers were taken off the ship. Harbour master Ilse Varga said "
        "four people were treated for minor injuries.",
        "Brightwater Lines said the Kestel route would stay closed until Thursday.",
        "An inquiry into the grounding will be opened by the maritime authority, a spokesman said.",
    ]),
}


def page_html(title, outlet, date, paragraphs) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{title} | {outlet}</title>"
            f"<meta property=\"og:site_name\" content=\"{outlet}\">"
            f"<meta property=\"article:published_time\" content=\"{date}T09:00:00Z\"></head>"
            f"<body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Copyright {outlet}</footer></body></html>"
            ).encode("utf-8")


def rss(base) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>{base}{path}</link>"
                    f"<pubDate>Tue, 14 May 2024 09:00:00 GMT</pubDate></item>"
                    for path, (t, *_rest) in ARTICLES.items())
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Ferry news</title>"
            f"<link>{base}/</link>{items}</channel></rss>").encode("utf-8")


class Site:
    """A local web site on 127.0.0.1: the three articles, a feed, a 404, a body past 50 MB, and a few oddities."""

    def __init__(self):
        site = self
        self.requests, self.agents = [], set()
        self.flaky = {"/flaky": 1}          # path -> how many 503s to answer before the page

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"   # a body without Content-Length ends when the connection closes

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append(self.path)
                site.agents.add(self.headers.get("User-Agent", ""))
                path = self.path
                if path in ARTICLES:
                    return self._send(200, "text/html; charset=utf-8", page_html(*ARTICLES[path]))
                if path == "/feed.xml":
                    return self._send(200, "application/rss+xml", rss(site.base))
                if path == "/atom.xml":
                    return self._send(200, "application/atom+xml", (
                        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>"
                        "<entry><title>x</title><link rel='alternate' href='/news/ferry-aground'/>"
                        "<updated>2024-05-14T10:00:00Z</updated></entry></feed>").encode())
                if path == "/huge":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    chunk = b"<p>" + b"filler " * (1 << 17) + b"</p>\n"     # about 900 KB, no Content-Length
                    try:
                        for _ in range(80):                                # about 70 MB unless the client stops
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return None
                if path == "/image.png":
                    return self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
                if path.startswith("/loop"):
                    n = int(path[5:] or 0)
                    self.send_response(302)
                    self.send_header("Location", f"/loop{n + 1}")
                    self.end_headers()
                    return None
                if path in site.flaky and site.flaky[path] > 0:
                    site.flaky[path] -= 1
                    self.send_response(503)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return None
                if path == "/flaky":
                    return self._send(200, "text/html", page_html(*ARTICLES["/news/ferry-aground"]))
                return self._send(404, "text/html", b"<html><body>Not found</body></html>")

            def _send(self, status, ctype, body):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def site(monkeypatch):
    from corroborator.ingest import fetch
    monkeypatch.setattr(fetch, "RETRY_BACKOFF_S", 0.0)     # retries, but without the waits
    s = Site()
    yield s
    s.stop()


def _ledger(out):
    return validated(json.loads((out / "ledger.json").read_text(encoding="utf-8")))


def _same_fact_sheet(data):
    return {k: data[k] for k in ("articles", "stories", "claims", "claim_groups", "entities", "timeline")}


# ---------------------------------------------------------------- the acceptance run
def test_a_feed_a_404_and_a_50_mb_body_then_the_same_ledger_offline(site, tmp_path, capsys):
    from corroborator.cli import main
    out = tmp_path / "out"
    feed, missing, huge = site.base + "/feed.xml", site.base + "/gone", site.base + "/huge"
    assert main(["analyze", feed, missing, huge, "--out", str(out)]) == 3
    data = _ledger(out)
    inputs = {i["path"]: i for i in data["run"]["inputs"]}
    assert len(data["articles"]) == 3
    assert sorted(a["url"] for a in data["articles"]) == sorted(site.base + p for p in ARTICLES)
    failed = {p: i["reason"] for p, i in inputs.items() if i["status"] == "failed"}
    assert set(failed) == {missing, huge}, inputs
    assert "404" in failed[missing] and "not found" in failed[missing].lower()
    assert "50 MB limit" in failed[huge]
    assert inputs[feed]["status"] == "skipped" and "3 linked articles" in inputs[feed]["reason"]
    assert all(a.startswith("corroborator/") for a in site.agents), site.agents
    err = capsys.readouterr().err
    assert f"failed: {missing}" in err and "Traceback" not in err
    # the pages are kept: raw HTML with a sidecar naming the URL and the date fetched
    kept = sorted((out / "fetched").glob("*.html"))
    assert len(kept) == 3 and len(list((out / "fetched").glob("*.feed.xml"))) == 1
    meta = json.loads(kept[0].with_name(kept[0].name[:-5] + ".meta.json").read_text())
    assert meta["url"].startswith(site.base) and meta["fetched"]

    # without the server: the same ledger, from the kept copies
    site.stop()
    assert main(["analyze", feed, missing, huge, "--out", str(out)]) == 3
    again = _ledger(out)
    assert _same_fact_sheet(again) == _same_fact_sheet(data)
    assert {i["path"] for i in again["run"]["inputs"] if i["status"] == "failed"} == {missing, huge}

    # and into a fresh folder with no kept copies: nothing to analyse, every URL a failure, exit 3
    assert main(["analyze", feed, "--out", str(tmp_path / "fresh")]) == 3
    fresh = _ledger(tmp_path / "fresh")
    assert fresh["articles"] == [] and "connect" in fresh["run"]["inputs"][0]["reason"]


# ---------------------------------------------------------------- the fetcher alone
def test_fetch_failures_have_plain_reasons(site, tmp_path):
    from corroborator.ingest.fetch import fetch_urls
    urls = [site.base + p for p in ("/image.png", "/loop0", "/gone", "/flaky")] + ["ftp://example.org/x",
                                                                                     "http://"]
    res = fetch_urls(urls, tmp_path / "fetched")
    reasons = {r.path: r.reason for r in res.records}
    assert "not an HTML page" in reasons[site.base + "/image.png"]
    assert "redirects" in reasons[site.base + "/loop0"]
    assert "404" in reasons[site.base + "/gone"]
    assert reasons["ftp://example.org/x"] == "not a valid web address"
    assert reasons["http://"] == "not a valid web address"
    assert [p.name.endswith(".html") for p in res.files] == [True]      # /flaky, after one 503
    assert res.pages == [site.base + "/flaky"]
    assert site.requests.count("/flaky") == 2
    assert not [r for r in reasons.values() if re.search(r"\b[A-Z]\w*(?:Error|Exception)\b|Errno", r)]


def test_an_atom_feed_gives_its_entries_with_their_dates(site, tmp_path):
    from corroborator.ingest.fetch import fetch_urls
    res = fetch_urls([site.base + "/atom.xml"], tmp_path)
    assert len(res.files) == 1
    meta = json.loads(res.files[0].with_name(res.files[0].name[:-5] + ".meta.json").read_text())
    assert meta["url"] == site.base + "/news/ferry-aground" and meta["published"] == "2024-05-14"


def test_connection_failures_are_named_in_words():
    from corroborator.ingest.fetch import _connect_failure
    assert "no such host" in _connect_failure("nowhere.invalid", OSError("[Errno -2] Name or service not known")).reason
    assert "refused" in _connect_failure("h", OSError("[Errno 111] Connection refused")).reason


def test_a_url_list_file(tmp_path):
    from corroborator.errors import UsageError
    from corroborator.ingest.fetch import read_url_list
    f = tmp_path / "links.txt"
    f.write_text("# sources for the ferry story\nhttps://a.example/one\n\n  http://b.example/two#frag  \n")
    assert read_url_list(f) == ["https://a.example/one", "http://b.example/two#frag"]
    f.write_text("https://a.example/one\nnot a url\n")
    with pytest.raises(UsageError, match="line 2"):
        read_url_list(f)
    with pytest.raises(UsageError):
        read_url_list(tmp_path / "none.txt")


def test_urls_option_and_nothing_to_analyse(site, tmp_path):
    from corroborator.cli import main
    assert main(["analyze", "--out", str(tmp_path / "o")]) == 2
    links = tmp_path / "links.txt"
    links.write_text(f"# one page\n{site.base}/news/ferry-aground\n")
    assert main(["analyze", "--urls", str(links), "--out", str(tmp_path / "o")]) == 0
    assert len(_ledger(tmp_path / "o")["articles"]) == 1


def test_the_python_api_takes_urls(site, tmp_path):
    import corroborator
    ledger = corroborator.analyze(iter([site.base + "/story/wren-sandbank"]), progress=False)   # any iterable
    assert len(ledger.articles) == 1 and ledger.articles[0]["url"] == site.base + "/story/wren-sandbank"
