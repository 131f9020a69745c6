"""ingest: every input format, and clear failures for bad or dangerous inputs."""
import gzip
import io
import json
import pathlib

import pytest

from corroborator.clean import clean_document
from corroborator.errors import UsageError
from corroborator.ingest import discover, read_input
from corroborator.ingest.readers import MAX_FILE_BYTES
from corroborator.records import InputDoc, InputFailure

FIX = pathlib.Path(__file__).parent / "fixtures" / "clean"
BODY = ("<html><head><title>{t}</title></head><body><article><h1>{t}</h1>"
        + "<p>{t} was reported on Monday by residents of the hill town, who said the council had not warned them "
          "about the closure of the only road into the valley for the whole of the winter season.</p>" * 3
        + "</article></body></html>")


def items(path):
    return list(read_input(path))


def test_html_and_txt_with_sidecar(tmp_path):
    (tmp_path / "a.html").write_text(BODY.format(t="Road Closure"), encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"outlet": "Hill Post", "published": "2024-02-03T10:00:00Z",
                                                      "authors": "Lea Marsh"}), encoding="utf-8")
    (tmp_path / "b.txt").write_text("Plain text article body that is long enough to count.\n", encoding="utf-8")
    files = discover([tmp_path])
    assert [f.name for f in files] == ["a.html", "b.txt"]
    [doc] = items(tmp_path / "a.html")
    assert (doc.kind, doc.outlet, doc.published, doc.authors) == ("html", "Hill Post", "2024-02-03", ("Lea Marsh",))
    [doc] = items(tmp_path / "b.txt")
    assert doc.kind == "text"
    with pytest.raises(UsageError):
        discover([tmp_path / "missing"])


def test_jsonl_with_bad_line(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": "First record text.", "outlet": "Feed One"}) + "\n"
                 + "{not json\n"
                 + json.dumps({"html": BODY.format(t="Bridge"), "url": "https://example.net/b"}) + "\n"
                 + json.dumps({"title": "no body"}) + "\n", encoding="utf-8")
    out = items(p)
    assert [type(x).__name__ for x in out] == ["InputDoc", "InputFailure", "InputDoc", "InputFailure"]
    assert out[1].status == "failed" and "line 2" in out[1].reason
    assert out[0].path.endswith("feed.jsonl#1") and out[0].outlet == "Feed One"
    assert out[2].kind == "html" and out[2].url == "https://example.net/b"


def test_json_without_articles_is_skipped(tmp_path):
    p = tmp_path / "gold.json"
    p.write_text(json.dumps({"about": "x", "articles": {"a": 1}, "entities": []}), encoding="utf-8")
    [f] = items(p)
    assert isinstance(f, InputFailure) and f.status == "skipped" and "no article records" in f.reason
    p2 = tmp_path / "list.json"
    p2.write_text(json.dumps([{"text": "One."}, {"text": "Two."}]), encoding="utf-8")
    assert [d.path.rsplit("#", 1)[1] for d in items(p2)] == ["1", "2"]


def _warc(tmp_path, name, pages, truncate=False):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=name.endswith(".gz"))
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                            http_headers=headers))
    img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("https://example.org/x.png", "response", payload=io.BytesIO(b"\x89PNG"),
                                        http_headers=img))
    data = buf.getvalue()
    if truncate:
        data = data[: int(len(data) * 0.45)]
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_records(tmp_path, name):
    p = _warc(tmp_path, name, [("https://example.org/one", BODY.format(t="Ferry Strike")),
                               ("https://example.org/two", BODY.format(t="Harbour Fire"))])
    docs = items(p)
    assert [d.url for d in docs] == ["https://example.org/one", "https://example.org/two"]
    assert all(isinstance(d, InputDoc) and d.kind == "html" and "#" in d.path for d in docs)
    a = clean_document(docs[1])
    assert "Harbour Fire was reported" in a.text
    for x, y, s in a.source_map:
        assert a.text[x:y] == a.source_text[s:s + y - x]


def test_truncated_warc_fails_cleanly(tmp_path):
    pages = [(f"https://example.org/{i}", BODY.format(t=f"Story {i}")) for i in range(4)]
    p = _warc(tmp_path, "cut.warc.gz", pages, truncate=True)
    out = items(p)
    assert isinstance(out[-1], InputFailure) and out[-1].status == "failed"
    assert "truncated" in out[-1].reason or "corrupt" in out[-1].reason


def test_limits_and_bad_content(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert items(empty)[0].reason == "empty file"
    binary = tmp_path / "bin.html"
    binary.write_bytes(b"<html>\x00\x01\x02" * 100)
    f = items(binary)[0]
    assert f.status == "failed" and "binary" in f.reason
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    f = items(big)[0]
    assert f.status == "failed" and "limit" in f.reason
    bomb = tmp_path / "bomb.txt"
    bomb.write_bytes(gzip.compress(b"a" * (60 * 1024 * 1024)))
    f = items(bomb)[0]
    assert f.status == "failed" and ("ratio" in f.reason or "over" in f.reason)
    other = tmp_path / "notes.md"
    other.write_text("x")
    assert items(other)[0].status == "skipped"


def test_cp1252_text_decodes(tmp_path):
    p = tmp_path / "old.txt"
    p.write_bytes("The caf\xe9 reopened \x96 finally.".encode("latin-1"))
    [d] = items(p)
    assert "café" in d.content and "–" in d.content


@pytest.mark.parametrize("frac", [0.2, 0.45, 0.99])
def test_truncated_plain_warc_is_reported(tmp_path, frac):
    """A plain (not gzipped) WARC cut inside a record: warcio stops silently, the reader must not."""
    pages = [(f"https://example.org/{i}", BODY.format(t=f"Story {i}")) for i in range(4)]
    p = _warc(tmp_path, "cut.warc", pages)
    data = p.read_bytes()
    p.write_bytes(data[: int(len(data) * frac)])
    out = items(p)
    assert out, "nothing reported for a truncated WARC"
    assert isinstance(out[-1], InputFailure) and out[-1].status == "failed"
    assert "truncated" in out[-1].reason
    # every document handed on is complete (none is the cut-short record)
    for d in out[:-1]:
        assert isinstance(d, InputDoc) and d.content.rstrip().endswith("</html>")


def test_complete_plain_warc_has_no_failure(tmp_path):
    pages = [(f"https://example.org/{i}", BODY.format(t=f"Story {i}")) for i in range(3)]
    out = items(_warc(tmp_path, "whole.warc", pages))
    assert len(out) == 3 and all(isinstance(d, InputDoc) for d in out)
