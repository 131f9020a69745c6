"""The web pages in a real headless Chromium (Debian's ``chromium``, driven by Playwright; no browser download).

Loads each page, follows links, searches, and checks that article text carrying HTML and script payloads stays
inert text. Screenshots of the main pages go to ``test-artifacts/``. Skipped when /usr/bin/chromium is absent.
"""
import pathlib
import socket
import threading
import time

import pytest

from test_serve import write_store

CHROMIUM = pathlib.Path("/usr/bin/chromium")
ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn
    from corroborator.serve.app import LOOPBACK_HOSTS, create_app
    store = write_store(tmp_path_factory.mktemp("browser") / "ledger.duckdb")
    port = _free_port()
    config = uvicorn.Config(create_app(store, allowed_hosts=LOOPBACK_HOSTS), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.dialogs, pg.errors, pg.foreign = [], [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: None if r.url.startswith(server) else pg.foreign.append(r.url))
    yield pg
    ctx.close()


def _assert_inert(pg):
    """No payload ran or became an element: no dialog, no flag set, no <script>/<img> from article text."""
    assert pg.dialogs == []
    assert pg.errors == []
    assert pg.evaluate("window.__pwned") is None
    assert pg.locator("script").count() == 0
    assert pg.locator("img").count() == 0
    assert pg.locator("[onerror]").count() == 0
    assert pg.foreign == []


def _shot(pg, name):
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("path,name", [
    ("/", "stories"), ("/stories/story-dunmore", "story"), ("/stories/story-kestrel", None),
    ("/articles/art-courier", "article"), ("/articles/art-ledger", None), ("/articles/art-gazette", None),
    ("/articles", None), ("/entities", None), ("/entities/ent-mira", "entity"), ("/entities/ent-dunmore", None),
    ("/timeline", "timeline"), ("/search?q=workers", "search"),
])
def test_each_page_loads_and_payloads_stay_text(page, server, path, name):
    resp = page.goto(server + path)
    assert resp.status == 200
    _assert_inert(page)
    assert page.locator("nav.top a.brand").is_visible()
    # the stylesheet loaded (the badge colours come from it)
    if page.locator(".badge").count():
        assert page.locator(".badge").first.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    if name:
        _shot(page, name)


def test_payload_text_is_visible_as_text(page, server):
    page.goto(server + "/articles/art-courier")
    body = page.locator("main").inner_text()
    assert "<script>window.__pwned=1;alert('x')</script>" in body
    assert 'Smoke over the terminal <img src=x onerror="window.__pwned=2">' in body
    page.goto(server + "/")
    assert "Kestrel Bridge <script>" in page.locator("#stories").inner_text()


def test_follow_links_from_stories_to_article_and_entity(page, server):
    page.goto(server + "/")
    page.get_by_role("link", name="Fire at the Dunmore grain terminal").click()
    page.wait_for_url("**/stories/story-dunmore")
    assert page.locator(".group").count() == 4
    assert page.locator(".sources mark.claim.st-conflicting").count() == 3
    # a claim in a group card jumps to its highlighted sentence in the sources
    page.locator("#group-g-damage a.outlet").first.click()
    page.wait_for_url("**#claim-c-damage")
    assert page.locator("#claim-c-damage").is_visible()
    page.locator(".source header a.outlet", has_text="Harbour Courier").click()
    page.wait_for_url("**/articles/art-courier")
    assert page.locator("q.quote").count() == 1
    page.locator(".speaker a", has_text="Mira Okonkwo").click()
    page.wait_for_url("**/entities/ent-mira")
    assert "M. Okonkwo" in page.locator("main").inner_text()
    _assert_inert(page)


def test_search_from_the_navigation_bar(page, server):
    page.goto(server + "/timeline")
    page.locator("nav.top input[name=q]").fill("drying tower")
    page.locator("nav.top button").click()
    page.wait_for_url("**/search?q=drying+tower")
    assert page.locator(".result").count() == 2
    assert "2 claims match" in page.locator("#result-count").inner_text()
    page.locator(".result a.outlet").first.click()
    page.wait_for_url("**/stories/story-dunmore#claim-*")
    _assert_inert(page)


def test_search_within_a_story_and_timeline_bars(page, server):
    page.goto(server + "/stories/story-dunmore")
    page.get_by_placeholder("search claims in this story").fill("bridge")
    page.get_by_placeholder("search claims in this story").press("Enter")
    page.wait_for_url("**/search?story=story-dunmore&q=bridge")
    assert page.locator(".result").count() == 0
    page.goto(server + "/timeline")
    assert page.locator("svg.timeline rect.bar").count() == 2
    page.locator("svg.timeline a").last.click()
    page.wait_for_url("**#t-2031-03")


def test_unknown_page_shows_an_error_page(page, server):
    resp = page.goto(server + "/stories/nope")
    assert resp.status == 404
    assert "no story with id" in page.locator(".error").inner_text()
