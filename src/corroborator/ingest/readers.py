"""Read one input file into ``InputDoc`` records: html, txt, json, jsonl, warc and warc.gz.

Every problem with one input becomes an ``InputFailure`` with a one-line reason; nothing here raises
for a bad file. Safety limits (size, decompression ratio, binary content) are checked before any parsing.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import logging
import pathlib
import re
import zlib

from ..errors import InputError, LimitExceeded, plain_reason
from ..limits import (GZIP_RATIO_GRACE, MAX_FILE_BYTES, MAX_GZIP_RATIO, MAX_HTML_BYTES, MAX_WARC_BYTES,
                      check_size)
from ..records import InputDoc, InputFailure

META_FIELDS = ("url", "outlet", "published", "title", "authors")
log = logging.getLogger("corroborator")
_CONTAINER_SUFFIXES = (".warc.gz", ".html", ".htm", ".txt", ".jsonl", ".json", ".warc")
_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{2,40})""", re.I)
_HTML_START_RE = re.compile(r"\A(?:\ufeff)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


# ---------------------------------------------------------------- decoding and limits
def _check_binary(data: bytes) -> None:
    if b"\x00" in data[:65536] or (len(data) > 65536 and data.count(b"\x00", 0, 1 << 22) > 0):
        raise InputError("binary content (NUL bytes): not a text or HTML file")


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` as text: UTF-8 (BOM stripped), the declared charset, then cp1252.

    Raises ``InputError`` for binary content (NUL bytes, or mostly control characters).
    """
    _check_binary(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    if declared:
        candidates.append(declared)
    m = _CHARSET_RE.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates.append("cp1252")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        break
    else:
        text = data.decode("utf-8", errors="replace")
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if sample and bad / len(sample) > 0.02:
        raise InputError("undecodable content (binary data or unknown encoding): not a text or HTML file")
    return text


def gunzip_limited(data: bytes, limit: int = MAX_FILE_BYTES) -> bytes:
    """Decompress gzip ``data``, refusing output over ``limit`` or a decompression-bomb ratio."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pos, step = 0, 1 << 16
    while pos < len(data):
        chunk = d.decompress(data[pos:pos + step], limit + 1 - len(out))
        pos += step
        out += chunk
        while d.unconsumed_tail and len(out) <= limit:
            out += d.decompress(d.unconsumed_tail, limit + 1 - len(out))
        _check_ratio(len(out), min(pos, len(data)))
        if len(out) > limit:
            raise LimitExceeded(f"decompressed content is over {limit // (1024 * 1024)} MB")
        if d.eof:
            break
    return bytes(out)


def _check_ratio(produced: int, consumed: int) -> None:
    if produced > GZIP_RATIO_GRACE and produced > MAX_GZIP_RATIO * max(consumed, 1):
        raise LimitExceeded(f"gzip decompression ratio over {MAX_GZIP_RATIO}:1 (a decompression bomb?)")


def normalise_date(value) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime string (None when it is not one)."""
    if not value:
        return None
    s = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- metadata
def _sidecar(path: pathlib.Path) -> dict:
    stem = path.name
    for suf in _CONTAINER_SUFFIXES:
        if stem.lower().endswith(suf):
            stem = stem[: -len(suf)]
            break
    meta = path.with_name(stem + ".meta.json")
    if not meta.exists():
        return {}
    try:
        obj = json.loads(meta.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"sidecar {meta.name} is not valid JSON ({exc.msg.lower()}, line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise InputError(f"sidecar {meta.name} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read the sidecar {meta.name}: {plain_reason(exc)}") from None
    if not isinstance(obj, dict):
        raise InputError(f"sidecar {meta.name} must hold a JSON object")
    return obj


def _clean_meta(rec: dict) -> dict:
    out = {}
    for k in META_FIELDS:
        v = rec.get(k)
        if v in (None, "", [], ()):
            continue
        if k == "authors":
            v = tuple(a.strip() for a in ([v] if isinstance(v, str) else v) if isinstance(a, str) and a.strip())
            if not v:
                continue
        elif k == "published":
            v = normalise_date(v)
            if v is None:
                continue
        elif not isinstance(v, str):
            continue
        else:
            v = v.strip()
        out[k] = v
    return out


def _doc(path, kind, content, meta) -> InputDoc:
    return InputDoc(path=str(path), kind=kind, content=content, url=meta.get("url"),
                    outlet=meta.get("outlet"), published=meta.get("published"),
                    title=meta.get("title"), authors=tuple(meta.get("authors") or ()))


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START_RE.match(text[:2000]))


# ---------------------------------------------------------------- readers
def read_input(path):
    """Yield the documents in one input file (``InputDoc``), or ``InputFailure`` for what cannot be read.

    ``.html/.htm`` and ``.txt`` give one document; ``.jsonl``/``.json`` one per record (``text`` or ``html``);
    ``.warc``/``.warc.gz`` one per HTML response record (streamed). A ``NAME.meta.json`` sidecar gives
    metadata; a record's own fields win over it.
    """
    path = pathlib.Path(path)
    name = path.name.lower()
    try:
        meta = _clean_meta(_sidecar(path))
        size = path.stat().st_size
        if name.endswith((".warc", ".warc.gz")):
            if size > MAX_WARC_BYTES:
                raise LimitExceeded(f"file is over {MAX_WARC_BYTES // (1024 ** 3)} GB")
            if size == 0:
                raise InputError("empty file")
            yield from _read_warc(path, meta)
            return
        if not name.endswith((".html", ".htm", ".txt", ".jsonl", ".json")):
            yield InputFailure(str(path), "skipped", "not a recognised input type (.html .htm .txt .json .jsonl .warc .warc.gz)")
            return
        if size > MAX_FILE_BYTES:
            raise LimitExceeded(f"file is {size / 2 ** 20:.0f} MB, over the {MAX_FILE_BYTES // 2 ** 20} MB limit")
        data = path.read_bytes()
        if not data.strip():
            raise InputError("empty file")
        if data[:2] == b"\x1f\x8b":
            data = gunzip_limited(data)
        if name.endswith((".jsonl", ".json")):
            yield from _read_json(path, name, decode_bytes(data), meta)
            return
        text = decode_bytes(data)
        if not text.strip():
            raise InputError("empty file")
        kind = "html" if name.endswith((".html", ".htm")) or looks_like_html(text) else "text"
        if kind == "html":
            check_size(len(data), MAX_HTML_BYTES, "HTML page")
        yield _doc(path, kind, text, meta)
    except InputError as exc:
        yield InputFailure(str(path), "failed", str(exc))
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else "the system refused it"
        yield InputFailure(str(path), "failed", f"cannot read file: {reason}")


def _record_doc(sub: str, rec, meta: dict):
    if not isinstance(rec, dict):
        return InputFailure(sub, "failed", "record is not a JSON object")
    body_text, body_html = rec.get("text"), rec.get("html")
    if not (isinstance(body_text, str) and body_text.strip()) and not (isinstance(body_html, str) and body_html.strip()):
        return InputFailure(sub, "failed", "record has no 'text' or 'html' field")
    m = {**meta, **_clean_meta(rec)}
    if isinstance(body_html, str) and body_html.strip():
        if len(body_html) > MAX_HTML_BYTES:
            return InputFailure(sub, "failed", f"HTML page is {len(body_html) / 2 ** 20:.1f} MB, over the "
                                               f"{MAX_HTML_BYTES / 2 ** 20:g} MB limit")
        return _doc(sub, "html", body_html, m)
    return _doc(sub, "text", body_text, m)


def _is_record(obj) -> bool:
    return isinstance(obj, dict) and any(isinstance(obj.get(k), str) and obj.get(k).strip() for k in ("text", "html"))


def _read_json(path, name, text, meta):
    if name.endswith(".json"):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputFailure(str(path), "failed", f"not valid JSON: {exc.msg} (line {exc.lineno})")
            return
        except RecursionError:
            yield InputFailure(str(path), "failed", "JSON nested too deeply to be article records")
            return
        if isinstance(obj, dict) and not _is_record(obj):
            lists = [v for k, v in obj.items() if k in ("articles", "records", "items", "data") and isinstance(v, list)]
            obj = lists[0] if lists else obj
        records = obj if isinstance(obj, list) else [obj]
        if not any(_is_record(r) for r in records):
            yield InputFailure(str(path), "skipped",
                               "JSON file holds no article records (objects with a 'text' or 'html' field)")
            return
        for i, rec in enumerate(records):
            yield _record_doc(f"{path}#{i + 1}", rec, meta)
        return
    n_docs = 0
    for i, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(f"{path}#{i + 1}", "failed", f"line {i + 1} is not JSON: {exc.msg}")
            continue
        except RecursionError:
            yield InputFailure(f"{path}#{i + 1}", "failed", f"line {i + 1} is JSON nested too deeply")
            continue
        n_docs += 1
        yield _record_doc(f"{path}#{i + 1}", rec, meta)
    if n_docs == 0:
        yield InputFailure(str(path), "failed", "no JSON records in the file")


class _CountingReader(io.RawIOBase):
    """Counts the compressed bytes consumed, so the WARC reader can refuse decompression bombs."""

    def __init__(self, fh):
        self.fh, self.count = fh, 0

    def readable(self):
        return True

    def readinto(self, b):
        n = self.fh.readinto(b)
        self.count += n or 0
        return n


def _missing_bytes(record) -> int:
    """How many bytes of ``record``'s declared Content-Length the file did not hold (0 when complete).

    Reads what is left of the record's raw stream; a plain (not gzipped) WARC cut short inside a record
    makes warcio simply stop, so this is how such a truncation is seen."""
    raw = getattr(record, "raw_stream", None)
    if raw is None or not hasattr(raw, "limit"):
        return 0
    while raw.read(1 << 16):
        pass
    return max(0, int(raw.limit))


_WARC_CUT = "the WARC file ends in the middle of a record"


def _truncated(missing: int) -> str:
    return f"{_WARC_CUT} (truncated: {missing} of its declared bytes are missing)"


def _warc_damage(exc: Exception, n: int) -> str:
    """What a WARC that warcio could not read further means, in words (the exception goes to the debug log).

    warcio meets the end of a file cut inside a record's headers as a missing line (an ``AttributeError`` on
    None, or an ``EOFError``); a file that is not gzip or WARC at all as an unknown format."""
    if isinstance(exc, (AttributeError, EOFError, zlib.error)):
        return f"{_WARC_CUT} (truncated after record {n})" if n else \
            "the WARC file ends in the middle of its first record (truncated)"
    if "unknown archive format" in str(exc).lower():
        return "not a readable WARC file (an unknown archive format, or cut short at its start)" if not n else \
            f"the WARC file is damaged after record {n}: the next record is not in a known archive format"
    return f"the WARC file is damaged after record {n}: the next record cannot be read" if n else \
        "the WARC file is damaged: its first record cannot be read"


def _read_warc(path: pathlib.Path, meta: dict):
    """Stream the HTML responses of a WARC; warcio's own warnings about malformed records (which can carry raw
    bytes) are kept off the user's terminal: every problem is reported as a failed input instead."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield from _read_warc_records(path, meta)


def _read_warc_records(path: pathlib.Path, meta: dict):
    """The ``InputDoc`` of each HTML response (or resource) record of the WARC at ``path``, and an
    ``InputFailure`` for each record that cannot be read; the file's end is checked for a cut-off record.
    A WARC with no HTML page gives one "skipped" failure."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # pragma: no cover - warcio is a dependency
        yield InputFailure(str(path), "failed", "reading WARC files needs the 'warcio' package")
        return
    n_html, n = 0, 0
    produced = 0
    record = None
    with open(path, "rb") as fh:
        counter = _CountingReader(fh)
        stream = io.BufferedReader(counter, 1 << 16)
        size = path.stat().st_size
        try:
            archive = ArchiveIterator(stream)
            for record in archive:
                n += 1
                sub = f"{path}#{n}"
                ctype = _warc_page_type(record)
                if ctype is None:
                    continue
                payload, cut = _warc_payload(record, sub)
                if cut is not None:
                    yield cut
                    return
                produced += len(payload)
                _check_ratio(produced, counter.count)
                item = _warc_page(record, sub, ctype, payload, meta)
                if item is None:
                    continue
                if isinstance(item, InputDoc):
                    n_html += 1
                yield item
            cut = _warc_cut_at_end(path, archive, record, n, size)
            if cut is not None:
                yield cut
                return
        except LimitExceeded as exc:
            yield InputFailure(f"{path}#{n}" if n else str(path), "failed", str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a truncated/corrupt archive
            log.debug("reading WARC %s failed after record %d", path, n, exc_info=True)
            yield InputFailure(f"{path}#{n + 1}", "failed", _warc_damage(exc, n))
            return
    if n_html == 0:
        yield InputFailure(str(path), "skipped", "WARC holds no HTML response records")


def _warc_page_type(record):
    """The Content-Type of a record that may hold a page ("" when it declares none), or None for a record to
    pass over: not a response or resource, an HTTP status other than 2xx, a type that is not HTML."""
    if record.rec_type not in ("response", "resource"):
        return None
    if record.http_headers is not None:
        ctype = record.http_headers.get_header("Content-Type") or ""
        status = record.http_headers.get_statuscode()
        if status and not str(status).startswith("2"):
            return None
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    if ctype and "html" not in ctype.lower():
        return None
    return ctype


def _warc_payload(record, sub):
    """``(payload bytes, None)``, or ``(None, failure)`` when the record is cut short or its compressed data
    is damaged (the archive cannot be read past it)."""
    try:
        payload = record.content_stream().read(MAX_FILE_BYTES + 1)
    except (EOFError, zlib.error, OSError, ValueError):
        log.debug("reading WARC record %s failed", sub, exc_info=True)
        return None, InputFailure(sub, "failed", f"{_WARC_CUT} (truncated), or its compressed data is damaged")
    short = _missing_bytes(record)
    if short:
        return None, InputFailure(sub, "failed", _truncated(short))
    return payload, None


def _warc_page(record, sub, ctype, payload, meta):
    """The ``InputDoc`` of one record's payload (its URL from the record's target URI unless ``meta`` has
    one), an ``InputFailure`` when it is too big, undecodable or empty, or None when an untyped payload does
    not look like HTML."""
    if len(payload) > MAX_HTML_BYTES:
        return InputFailure(sub, "failed", f"WARC record is over the {MAX_HTML_BYTES // 2 ** 20} MB "
                                           f"limit for one HTML page")
    declared = None
    m = re.search(r"charset\s*=\s*([\w:.-]+)", ctype, re.I)
    if m:
        declared = m.group(1)
    try:
        text = decode_bytes(payload, declared)
    except InputError as exc:
        return InputFailure(sub, "failed", str(exc))
    if not ctype and not looks_like_html(text):
        return None
    if not text.strip():
        return InputFailure(sub, "failed", "empty WARC record")
    rec_meta = dict(meta)
    uri = record.rec_headers.get_header("WARC-Target-URI")
    if uri:
        rec_meta.setdefault("url", uri.strip("<> "))
    return _doc(sub, "html", text, rec_meta)


def _warc_cut_at_end(path, archive, record, n, size):
    """A failure when the archive stopped inside its last record (``record``, the ``n``-th), else None."""
    short = _missing_bytes(record) if record is not None else 0
    if short:
        # a plain .warc cut inside a record: warcio just stops, so compare with the declared length
        return InputFailure(f"{path}#{n}", "failed", _truncated(short))
    if archive.offset < size:
        # the iterator stopped before the end of the file: the last record was cut short
        return InputFailure(f"{path}#{n + 1}", "failed",
                            f"{_WARC_CUT} (truncated, or damaged at byte {archive.offset} of {size})")
    return None


__all__ = ["read_input", "decode_bytes", "gunzip_limited", "normalise_date", "looks_like_html",
           "MAX_FILE_BYTES"]
