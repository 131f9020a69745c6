"""report.html: one self-contained page that shares the web pages' templates and escapes article text."""
import re
import subprocess
import sys

from corroborator.report import render_report
from test_serve import PAYLOADS, sample_ledger, write_store


def test_report_is_self_contained_and_escapes_payloads():
    html = render_report(sample_ledger())
    assert "<script" not in html.lower() and "<img" not in html.lower()
    for p in PAYLOADS:
        assert p not in html
    assert "&lt;script&gt;window.__pwned=1;" in html
    # no external resources: every src/href is a fragment link or absent; the stylesheet is inlined
    refs = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert refs and all(r.startswith("#") for r in refs), [r for r in refs if not r.startswith("#")]
    assert "<style>" in html and "</style>" in html and 'rel="stylesheet"' not in html
    assert "&gt;" not in html[html.index("<style>"):html.index("</style>")]  # CSS is not HTML-escaped


def test_report_fragment_links_resolve():
    html = render_report(sample_ledger())
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = {r[1:] for r in re.findall(r'href="(#[^"]+)"', html)}
    assert targets - ids == set()


def test_report_shares_markup_with_the_web_pages(tmp_path):
    from fastapi.testclient import TestClient
    from corroborator.serve.app import create_app
    ledger = sample_ledger()
    report = render_report(ledger)
    page = TestClient(create_app(ledger=ledger)).get("/stories/story-dunmore").text

    def card(html, gid):
        m = re.search(rf'<div class="group st-\w+" id="group-{gid}">.*?\n</div>', html, re.S)
        assert m, gid
        return re.sub(r'href="[^"]*"', "", m.group(0))  # links differ: fragments vs pages

    for gid in ("g-workers", "g-tower", "g-damage"):
        assert card(report, gid) == card(page, gid)


def test_report_shows_stories_groups_timeline_and_articles():
    html = render_report(sample_ledger())
    assert html.count('class="group st-') == 5
    assert "40 workers vs 60 workers" in html and "<svg" in html
    assert html.count('<section class="article"') == 4
    assert 'id="claim-c-workers-1"' in html  # sources side by side with claims highlighted


def test_cli_report_from_store(tmp_path):
    store = write_store(tmp_path / "ledger.duckdb")
    out = tmp_path / "report.html"
    r = subprocess.run([sys.executable, "-m", "corroborator", "report", "--ledger", str(store), "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Fire at the Dunmore grain terminal" in out.read_text(encoding="utf-8")
