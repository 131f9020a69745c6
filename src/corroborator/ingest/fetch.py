"""Fetch the web pages and feeds a user names (``https://...`` inputs), and keep them for offline reruns.

The only network access corroborator makes, and only for URLs given explicitly (the contract). Each URL is
fetched once (4 at a time) with httpx: timeouts, at most 5 redirects, a User-Agent that names corroborator,
the per-file size limit of ``limits.MAX_FILE_BYTES`` (the body is streamed and dropped once past it), and up
to 2 polite retries on 429/502/503/504 or a connection that failed (backing off, honouring ``Retry-After`` up
to a cap). An RSS or Atom feed stands for its items: each item's link is fetched in turn.

Every page fetched is kept under ``OUT/fetched/`` as its raw bytes (``NAME.html``) with a ``NAME.meta.json``
sidecar (url, date fetched, and the feed item's date when a feed gave one), which the readers already
understand; a feed is kept as ``NAME.feed.xml``. The kept file is then an input like any other. When a fetch
fails and a copy from an earlier run is kept, the copy is used: a rerun without network analyses the same
bytes. Every failure (no such host, a timeout, an HTTP error, too large, not HTML) is an ``InputFailure``
with a plain reason, keyed by its URL; the other inputs are analysed.

    urls = [p for p in paths if is_url(p)]
    result = fetch_urls(urls, out / "fetched")   # -> FetchResult(files, failures, fetched_urls)
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as _dt
import email.utils
import hashlib
import http
import json
import logging
import os
import pathlib
import re
import threading
import time
import urllib.parse

from .. import __version__
from ..errors import UsageError, plain_reason
from ..limits import MAX_FILE_BYTES
from ..records import InputFailure

log = logging.getLogger("corroborator")

USER_AGENT = (f"corroborator/{__version__} (claim-level evidence ledger; fetches only the links its user "
              f"gives it)")
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
MAX_REDIRECTS = 5
CONCURRENT_REQUESTS = 4
RETRIES = 2                       # after the first try, on RETRY_STATUSES or a failed connection
RETRY_BACKOFF_S = 1.0             # waits 1 s then 2 s (tests set it to 0)
RETRY_AFTER_CAP_S = 10.0          # a server's Retry-After is honoured up to this
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_FEED_ITEMS = 500              # links read from one feed
CHUNK = 1 << 16

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
               "text/xml", "application/feed+json")
_FEED_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         rb"<(?:rss|feed|rdf:RDF)\b", re.S | re.I)
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.S | re.I)


def is_url(value) -> bool:
    """Whether an input names a web page (``http://`` or ``https://``) rather than a file."""
    return isinstance(value, str) and value[:8].lower().startswith(("http://", "https://"))


def read_url_list(path) -> list:
    """The URLs in a text file, one per line; blank lines and ``#`` comments are ignored."""
    p = pathlib.Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path} (--urls)") from None
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"cannot read {path} as a text file of URLs (--urls)") from None
    urls = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise UsageError(f"{path}, line {n}: not a web address (http:// or https://): {line[:80]}")
        urls.append(line)
    return urls


@dataclasses.dataclass
class FetchResult:
    files: list              # kept pages to analyse (pathlib.Path), in the order the URLs were given
    records: list            # InputFailure per URL that gave no page (path = the URL): failed, or a feed (skipped)
    pages: list              # URLs that gave a page (fetched now or kept from an earlier run)


def fetch_inputs(paths, outdir, progress=None) -> FetchResult:
    """Fetch the URLs among ``paths`` into ``outdir/fetched`` (a temporary folder when ``outdir`` is None,
    removed when the process ends); the rest of ``paths`` is left to ``discover``."""
    urls = [p for p in paths if is_url(p)]
    if not urls:
        return FetchResult([], [], [])
    if outdir is not None:
        folder = pathlib.Path(outdir) / "fetched"
    else:
        import atexit
        import shutil
        import tempfile
        folder = pathlib.Path(tempfile.mkdtemp(prefix="corroborator-fetched-"))
        atexit.register(shutil.rmtree, folder, True)
    from ..progress import Progress
    prog = Progress(len(urls), "pages fetched", enabled=progress)
    result = fetch_urls(urls, folder, progress=prog)
    prog.finish()
    return result


class _Failed(Exception):
    """A fetch that failed; ``reason`` is the plain sentence for ``run.inputs``; ``retry`` whether to try again."""

    def __init__(self, reason: str, retry: bool = False, wait: float | None = None):
        super().__init__(reason)
        self.reason, self.retry, self.wait = reason, retry, wait


def kept_name(url: str) -> str:
    """The file name (without suffix) a URL's page is kept under: its host and a hash of the whole URL."""
    host = urllib.parse.urlsplit(url).hostname or "page"
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", host)[:60]
    return f"{host}-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}"


def fetch_urls(urls, folder, progress=None) -> FetchResult:
    """Fetch ``urls`` (pages or feeds) into ``folder`` and return what to analyse and what failed.

    Never raises for a bad URL or a network problem: each becomes a failure with a plain reason.
    """
    import httpx

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    urls = list(dict.fromkeys(urls))
    files, records = {}, {}
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout,
                      headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,"
                               "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"}) as client:
        with concurrent.futures.ThreadPoolExecutor(CONCURRENT_REQUESTS, thread_name_prefix="fetch") as pool:
            def run(batch, feed_meta):
                done = list(pool.map(lambda u: (u, _fetch_safely(client, u, folder, feed_meta.get(u))), batch))
                items = []
                for url, (kind, value) in done:
                    if kind == "page":
                        files[url] = value
                    elif kind == "feed":
                        items.extend(value)
                        records[url] = InputFailure(url, "skipped", f"a feed: its {len(value)} linked articles "
                                                                    f"are inputs of their own")
                    else:
                        records[url] = InputFailure(url, "failed", value)
                    if progress is not None:
                        progress.advance(1)
                return items

            items = run(urls, {})
            # a feed's items (the pages it links to), fetched once each; a feed linking feeds is not followed
            seen = set(urls)
            todo = [(u, m) for u, m in items if not (u in seen or seen.add(u))]
            if todo:
                if progress is not None and progress.total is not None:
                    progress.total += len(todo)
                run([u for u, _ in todo], {u: {**m, "_item": True} for u, m in todo})
    return FetchResult(files=list(files.values()), records=list(records.values()), pages=list(files))


def _fetch_safely(client, url, folder, feed_meta):
    """``_fetch_one``, where even an unforeseen error (a full disk) fails this URL alone."""
    try:
        return _fetch_one(client, url, folder, feed_meta)
    except OSError as exc:
        log.debug("keeping the page of %s failed", url, exc_info=True)
        return "failed", f"fetched, but could not be kept under {folder}: {plain_reason(exc)}"
    except Exception:  # noqa: BLE001
        log.debug("fetching %s failed", url, exc_info=True)
        return "failed", "could not be fetched: an unexpected error (run with --debug for details)"


def _fetch_one(client, url: str, folder: pathlib.Path, feed_meta: dict | None):
    """``("page", path)``, ``("feed", [(item url, meta)])`` or ``("failed", reason)`` for one URL."""
    name = kept_name(url)
    try:
        body, ctype, final_url = _get(client, url)
    except _Failed as exc:
        kept = _kept_copy(folder, name, url, feed_meta)
        if kept is not None:
            log.warning("could not fetch %s (%s); analysing the copy kept from an earlier run", url, exc.reason)
            return kept
        return "failed", exc.reason
    except Exception:  # noqa: BLE001 - an unforeseen error in the HTTP stack fails this URL alone
        log.debug("fetching %s failed", url, exc_info=True)
        kept = _kept_copy(folder, name, url, feed_meta)
        return kept if kept is not None else ("failed", "could not be fetched: an unexpected error "
                                                        "(run with --debug for details)")
    kind = _kind_of(body, ctype)
    if kind == "feed" and not (feed_meta or {}).get("_item"):
        _write_atomic(folder / f"{name}.feed.xml", body)
        return _feed_items(body, final_url)
    if kind != "html":
        what = ctype.split(";")[0].strip() or "of an unknown type"
        return "failed", f"not an HTML page (the server sent content {what})" if ctype else \
            "not an HTML page or an RSS/Atom feed"
    meta = {"url": final_url, "fetched": _now()}
    if final_url != url:
        meta["requested_url"] = url
    if (feed_meta or {}).get("published"):          # the page's own date, when it gives one, is read too
        meta["published"] = feed_meta["published"]
    path = folder / f"{name}.html"
    _write_atomic(path, body)
    _write_atomic(folder / f"{name}.meta.json", json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    return "page", path


def _kept_copy(folder, name, url, feed_meta):
    """What an earlier run kept for this URL, as ``_fetch_one`` would return it (None when nothing is kept)."""
    page = folder / f"{name}.html"
    if page.is_file():
        return "page", page
    feed = folder / f"{name}.feed.xml"
    if feed.is_file() and not (feed_meta or {}).get("_item"):
        return _feed_items(feed.read_bytes(), url)
    return None


def _get(client, url: str):
    """GET ``url`` with retries; returns ``(body bytes, content type, final URL)`` or raises ``_Failed``."""
    import httpx

    try:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(url)
    except ValueError:
        raise _Failed("not a valid web address") from None
    attempt = 0
    while True:
        try:
            return _get_once(client, url)
        except _Failed as exc:
            failure = exc
        except httpx.TooManyRedirects:
            failure = _Failed(f"more than {MAX_REDIRECTS} redirects")
        except httpx.TimeoutException:
            failure = _Failed(f"no answer from {parts.hostname} in time (timed out)", retry=True)
        except httpx.ConnectError as exc:
            failure = _connect_failure(parts.hostname, exc)
        except (httpx.RemoteProtocolError, httpx.ReadError):
            failure = _Failed(f"the connection to {parts.hostname} broke off", retry=True)
        except httpx.UnsupportedProtocol:
            failure = _Failed("not a valid web address")
        except httpx.InvalidURL:
            failure = _Failed("not a valid web address")
        except httpx.HTTPError:
            log.debug("fetching %s failed", url, exc_info=True)
            failure = _Failed(f"could not be fetched from {parts.hostname}", retry=True)
        if not failure.retry or attempt >= RETRIES:
            raise failure
        wait = failure.wait if failure.wait is not None else RETRY_BACKOFF_S * (2 ** attempt)
        log.debug("retrying %s in %.1f s (%s)", url, wait, failure.reason)
        time.sleep(min(wait, RETRY_AFTER_CAP_S))
        attempt += 1


def _get_once(client, url: str):
    with client.stream("GET", url) as resp:
        status = resp.status_code
        if status >= 400:
            phrase = _status_phrase(status)
            wait = _retry_after(resp.headers.get("Retry-After")) if status in RETRY_STATUSES else None
            raise _Failed(f"the server answered {status} {phrase}".rstrip(), retry=status in RETRY_STATUSES,
                          wait=wait)
        if status >= 300:      # a redirect without a Location, or one httpx does not follow
            raise _Failed(f"the server answered {status} without a page")
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
            raise _Failed(_too_large(int(declared)))
        body = bytearray()
        for chunk in resp.iter_bytes(CHUNK):
            body += chunk
            if len(body) > MAX_FILE_BYTES:
                raise _Failed(_too_large(None))
        ctype = resp.headers.get("Content-Type", "")
        return _utf8(bytes(body), ctype), ctype, str(resp.url)


def _utf8(body: bytes, ctype: str) -> bytes:
    """The page's bytes, re-encoded as UTF-8 when the server declared another charset than the page's bytes are:
    the kept copy then reads the same without the HTTP header."""
    m = re.search(r"charset\s*=\s*[\"']?([\w:.-]+)", ctype, re.I)
    if not m or m.group(1).lower().replace("_", "-") in ("utf-8", "utf8"):
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    try:
        return body.decode(m.group(1)).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return body


def _too_large(size) -> str:
    mb = MAX_FILE_BYTES / 2 ** 20
    if size:
        return f"the page is {size / 2 ** 20:.0f} MB, over the {mb:g} MB limit"
    return f"the page is over the {mb:g} MB limit"


def _status_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _retry_after(value) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), capped; None when absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, min((when - _dt.datetime.now(_dt.timezone.utc)).total_seconds(), RETRY_AFTER_CAP_S))


def _connect_failure(host: str, exc: Exception) -> _Failed:
    text = str(exc).lower()
    if any(s in text for s in ("name or service not known", "nodename nor servname", "getaddrinfo",
                               "name resolution", "no address associated")):
        return _Failed(f"no such host: {host} (the name could not be found)")
    if "refused" in text:
        return _Failed(f"could not connect to {host} (connection refused)", retry=True)
    if "certificate" in text or "ssl" in text:
        return _Failed(f"could not connect securely to {host} (its certificate was not accepted)")
    return _Failed(f"could not connect to {host}", retry=True)


def _kind_of(body: bytes, ctype: str) -> str:
    """``html``, ``feed`` or ``other`` from the content type, or the first bytes when the type is vague."""
    t = ctype.split(";")[0].strip().lower()
    head = body[:4096]
    if t in _HTML_TYPES:
        return "html"
    if t in _FEED_TYPES or t.endswith("+xml") or not t or t in ("text/plain", "application/octet-stream"):
        if _FEED_START.match(head):
            return "feed"
        if _HTML_START.match(head):
            return "html"
    return "other"


def _feed_items(body: bytes, base_url: str):
    """``("feed", [(item url, meta)])`` from an RSS, RDF or Atom feed, or ``("failed", reason)``."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return "failed", "the feed is not readable XML"
    items = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag not in ("item", "entry"):
            continue
        link, meta = None, {}
        for child in el:
            if not isinstance(child.tag, str):
                continue
            ctag = etree.QName(child).localname
            if ctag == "link":
                href = child.get("href")
                rel = (child.get("rel") or "alternate").lower()
                if href and rel == "alternate" and link is None:
                    link = href.strip()
                elif not href and (child.text or "").strip() and link is None:
                    link = child.text.strip()
            elif ctag == "guid" and link is None and child.get("isPermaLink", "true") != "false" \
                    and is_url((child.text or "").strip()):
                link = child.text.strip()
            elif ctag == "title" and (child.text or "").strip():
                meta["title"] = " ".join(child.text.split())
            elif ctag in ("pubDate", "published", "updated", "date") and "published" not in meta:
                day = _feed_date((child.text or "").strip())
                if day:
                    meta["published"] = day
        if link:
            url = urllib.parse.urljoin(base_url, link)
            if is_url(url):
                items.append((url, meta))
        if len(items) >= MAX_FEED_ITEMS:
            break
    if not items:
        return "failed", "the feed lists no links to articles"
    return "feed", items


def _feed_date(value: str) -> str | None:
    """``YYYY-MM-DD`` from an RSS (RFC 822) or Atom (ISO 8601) date."""
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _write_atomic(path: pathlib.Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


__all__ = ["FetchResult", "fetch_inputs", "fetch_urls", "is_url", "kept_name", "read_url_list", "USER_AGENT"]
