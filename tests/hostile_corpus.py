"""Generate the hostile-input corpus at test time (nothing binary is committed).

``build(root)`` writes the corpus under ``root`` and returns a ``Corpus`` describing it: every file it
wrote (what ``run.inputs`` must account for), the good articles that must come out analysed, and the
expectations for a few individual cases. Every article here is invented (places, people, outlets).

Cases: empty and whitespace-only files; binary data saved as .html/.txt (random bytes, a PNG header);
broken encodings (latin-1, mixed UTF-8/latin-1, a UTF-8-encoded lone surrogate); a 30 MB page; HTML
nested 100,000 levels deep; gzip bombs (a .warc.gz and a gzip stream saved as .txt); WARC archives cut
in the middle of a record (gzip and plain); JSONL with lines that are not JSON and records without text;
a .json that holds no article records; two files with the same content; a symlink loop (folder) and a
looping file symlink; a file unreadable by permissions (only when not root); a very long single line;
text that is only punctuation.
"""
from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import pathlib
import random
import zlib

# ---------------------------------------------------------------- invented articles
PLACES = ["Brindlemoor", "Halvik", "Orrin Bay", "Castlecombe Reach", "Tamsworth", "Ellory", "Pellham Cross",
          "Wrexford Quay", "Sallow Fen", "Marrowgate"]
PEOPLE = ["Ottilie Graves", "Desmond Achterberg", "Priya Lindqvist", "Tomasz Olenick", "Harriet Mbeki-Stone",
          "Joaquin Ferreira-Lund", "Maud Kettleworth", "Ifeoma Rasmussen", "Caspar Wendt", "Lucinda Abara"]
ROLES = ["mayor", "fire chief", "council spokesperson", "harbour master", "police inspector",
         "head of the water board", "school principal", "transport minister"]
OUTLETS = ["The Brindlemoor Courier", "Halvik Evening Star", "Northline Wire", "Coastal Ledger",
           "Vellan Daily Post", "Meridian Radio", "Fenland Gazette", "The Quay Observer"]
EVENTS = [
    ("a warehouse fire", "destroyed", "firefighters"),
    ("a burst water main", "flooded", "engineers"),
    ("a ferry collision", "damaged", "coastguard crews"),
    ("a landslide", "blocked", "road crews"),
    ("a power cut", "darkened", "technicians"),
    ("a chemical spill", "closed", "hazard teams"),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def invented_article(i: int, seed: int = 0) -> dict:
    """A short, varied, invented news article (title, outlet, date, paragraphs) for index ``i``."""
    rng = random.Random(seed * 7919 + i)
    place = rng.choice(PLACES)
    person, other = rng.sample(PEOPLE, 2)
    role, role2 = rng.sample(ROLES, 2)
    event, verb, crew = rng.choice(EVENTS)
    n = rng.randint(3, 400)
    day = rng.choice(WEEKDAYS)
    month = rng.choice(MONTHS)
    year = rng.choice([2021, 2022, 2023, 2024])
    date = f"{year}-{MONTHS.index(month) + 1:02d}-{rng.randint(1, 28):02d}"
    paras = [
        f"{event.capitalize()} {verb} part of {place} on {day}, officials said, and {n} residents were "
        f"moved to a sports hall overnight.",
        f"\"We have never seen anything like it,\" said {person}, the {role} of {place}. "
        f"\"Our {crew} worked for {rng.randint(4, 30)} hours without a break.\"",
        f"{other}, the {role2}, said an inquiry would begin in {month} {year} and that the cost could reach "
        f"{rng.randint(2, 90)} million pounds.",
        f"Item {i}: about {rng.randint(10, 99)} percent of the affected streets reopened by {rng.choice(WEEKDAYS)}, "
        f"according to a statement from the {rng.choice(['county', 'district', 'regional'])} office.",
    ]
    rng.shuffle(paras[2:])
    return {"title": f"{event.capitalize()} hits {place} (report {i})", "outlet": rng.choice(OUTLETS),
            "published": date, "text": "\n\n".join(paras)}


def article_html(a: dict) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in a["text"].split("\n\n"))
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{a['title']}</title></head>"
            f"<body><nav><a href=\"/\">Home</a> | <a href=\"/news\">News</a></nav><article><h1>{a['title']}</h1>"
            f"{body}</article><footer>Copyright {a['outlet']}</footer></body></html>")


# ---------------------------------------------------------------- WARC helpers
def warc_bytes(articles, gz: bool) -> bytes:
    """A WARC archive (built with warcio) holding one HTML response record per article."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for k, a in enumerate(articles):
        payload = article_html(a).encode("utf-8")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Content-Length", str(len(payload)))], protocol="HTTP/1.1")
        rec = writer.create_warc_record(f"https://news.invalid/story/{k}", "response",
                                        payload=io.BytesIO(payload), http_headers=http)
        writer.write_record(rec)
    return buf.getvalue()


def gzip_bomb_warc(uncompressed: int = 120 * 1024 * 1024) -> bytes:
    """A .warc.gz whose one response record inflates to ``uncompressed`` bytes of blank HTML (~1000:1)."""
    prefix = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    length = len(prefix) + uncompressed
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.invalid/\r\n"
            b"WARC-Date: 2024-01-01T00:00:00Z\r\n"
            b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: " + str(length).encode() + b"\r\n\r\n")
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [comp.compress(head + prefix)]
    chunk = b" " * (1 << 20)
    for _ in range(uncompressed // len(chunk)):
        out.append(comp.compress(chunk))
    out.append(comp.compress(b"\r\n\r\n"))
    out.append(comp.flush())
    return b"".join(out)


def gzip_bomb_bytes(uncompressed: int = 200 * 1024 * 1024) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"a" * (1 << 20)
    out = [comp.compress(chunk) for _ in range(uncompressed // len(chunk))]
    out.append(comp.flush())
    return b"".join(out)


# ---------------------------------------------------------------- the corpus
@dataclasses.dataclass
class Corpus:
    root: pathlib.Path
    files: list            # every input file written (paths as strings): each must appear in run.inputs
    good: list             # input paths (possibly "file#n") whose article must be analysed ("ok")
    must_fail: dict        # path -> substring (lower case) expected in the failure reason ("" = any reason)
    duplicates: tuple      # (path_a, path_b): same content, one ok, the other skipped as a duplicate
    big_page: str | None   # the 30 MB page
    loop_file: str | None  # a looping file symlink (x.html -> y.html -> x.html)
    unreadable: str | None


def build(root, big: bool = True, bomb: bool = True, deep_json: bool = False,
          long_line: int = 40_000) -> Corpus:
    """Write the hostile corpus under ``root`` (a new folder) and describe it.

    ``big``: include the 30 MB page; ``bomb``: the gzip bombs; ``deep_json``: a .json nested 100,000 deep
    (off by default: it crashed the whole run when written, see test_hostile.test_deep_json_*);
    ``long_line``: characters in the single-line text (spaCy time grows with it).
    """
    root = pathlib.Path(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(9)
    files, good, must_fail = [], [], {}

    def put(name, data, mode="wb"):
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        else:
            p.write_bytes(data)
        files.append(str(p))
        return str(p)

    arts = [invented_article(i, seed=9) for i in range(12)]

    # good articles, in every format
    good.append(put("good/one.txt", arts[0]["title"] + "\n\n" + arts[0]["text"] + "\n"))
    good.append(put("good/two.html", article_html(arts[1])))
    (root / "good/two.meta.json").write_text(json.dumps({"outlet": arts[1]["outlet"],
                                                        "published": arts[1]["published"]}))
    # a second copy of a good article under another name: one ok, one skipped as duplicate
    dup_a = put("dup/a-copy.txt", arts[2]["text"] + "\n")
    dup_b = put("dup/b-copy.txt", arts[2]["text"] + "\n")

    # empty / blank
    must_fail[put("empty/empty.txt", b"")] = "empty"
    must_fail[put("empty/blank.html", b"  \n\t\n  ")] = "empty"
    must_fail[put("empty/empty.jsonl", b"")] = "empty"

    # binary saved as text
    must_fail[put("binary/random.html", bytes(rng.getrandbits(8) for _ in range(50_000)))] = ""
    must_fail[put("binary/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.getrandbits(8)
                                                                                       for _ in range(4000)))] = ""
    must_fail[put("binary/nul.html", b"<html><body>" + b"\x00" * 100 + b"</body></html>")] = ""

    # broken encodings: these hold a real article and should be analysed (decoded with a fallback)
    latin = arts[3]["text"].replace("residents", "r\u00e9sidents").replace("said", "d\u00e9clar\u00e9")
    good.append(put("enc/latin1.txt", latin.encode("latin-1")))
    mixed = (arts[4]["text"].replace("officials", "officials (caf\u00e9 \u2014 na\u00efve)").encode("utf-8")
             + "\n\nLe maire a parl\u00e9 \u00e0 la presse.\n".encode("latin-1"))
    good.append(put("enc/mixed.txt", mixed))
    sur = arts[5]["text"].encode("utf-8").replace(b"officials", b"offi\xed\xa0\x80cials")  # lone surrogate
    good.append(put("enc/surrogate.txt", sur))
    bom16 = (arts[6]["title"] + "\n\n" + arts[6]["text"]).encode("utf-16")   # UTF-16 with BOM: NUL bytes
    put("enc/utf16.txt", bom16)   # analysed or failed with a reason: either is fine, it must be accounted for

    # a 30 MB page: refused by the size limit with a clear reason (or analysed), and fast
    big_page = None
    if big:
        filler = ("<div class=\"ad\"><span>sponsored</span></div>\n" * (30 * 1024 * 1024 // 44))
        big_page = put("big/huge-page.html", "<html><body><article><p>" + arts[7]["text"].replace("\n\n", "</p><p>")
                       + "</p></article>" + filler + "</body></html>")

    # nested 100,000 levels deep
    depth = 100_000
    must_fail_or_ok_deep = put("deep/nested.html", "<html><body>" + "<div>" * depth + "<p>"
                               + arts[8]["text"].replace("\n\n", "</p><p>") + "</p>" + "</div>" * depth
                               + "</body></html>")
    put("deep/nested-unclosed.html", "<html><body>" + "<span><b><i>" * (depth // 3) + "Deep text only.")
    del must_fail_or_ok_deep

    # decompression bombs
    if bomb:
        must_fail[put("bomb/crawl.warc.gz", gzip_bomb_warc())] = ""
        must_fail[put("bomb/gzipped.txt", gzip_bomb_bytes())] = ""

    # truncated WARC archives: the records before the cut are analysed, the cut one fails
    w = warc_bytes(arts[9:12], gz=True)
    whole = warc_bytes(arts[9:11], gz=True)          # the first two records alone, to find the cut point
    cut = len(whole) + (len(w) - len(whole)) // 2
    p = put("warc/truncated.warc.gz", w[:cut])
    good.extend([f"{p}#1", f"{p}#2"])                # records 1 and 2 are whole; 3 is cut
    wp = warc_bytes(arts[9:11], gz=False)
    put("warc/truncated.warc", wp[: len(wp) - 300])
    put("warc/garbage.warc.gz", b"\x1f\x8b\x08\x00" + bytes(rng.getrandbits(8) for _ in range(2000)))
    put("warc/not-a-warc.warc", "this is plain text, not a web archive\n" * 20)

    # JSONL / JSON
    good_rec = {"text": arts[10]["text"], "outlet": arts[10]["outlet"], "title": arts[10]["title"],
                "published": arts[10]["published"]}
    jl = put("json/feed.jsonl", "\n".join([
        json.dumps(good_rec),
        "this line is not JSON {",
        json.dumps({"title": "no text here", "outlet": "Nowhere"}),
        json.dumps([1, 2, 3]),
        "42",
        json.dumps({"text": 12345}),
        '{"text": "unterminated',
    ]) + "\n")
    good.append(f"{jl}#1")
    for line in (2, 3, 4, 5, 6, 7):
        must_fail[f"{jl}#{line}"] = ""
    put("json/not-articles.json", json.dumps({"config": {"colour": "blue"}, "items": [1, 2, 3]}))
    put("json/broken.json", '{"articles": [{"text": "cut')
    if deep_json:
        put("json/deep.json", "[" * 100_000 + "]" * 100_000)

    # symlinks: a folder that contains a link to itself, and two file links pointing at each other
    loop_dir = root / "links"
    loop_dir.mkdir()
    loop_file = None
    try:
        os.symlink(loop_dir, loop_dir / "again")
        os.symlink(loop_dir / "y.html", loop_dir / "x.html")
        os.symlink(loop_dir / "x.html", loop_dir / "y.html")
        loop_file = str(loop_dir / "x.html")
    except OSError:   # pragma: no cover - file systems without symlinks
        pass

    # unreadable by permissions (root can read anything: then the case is left out)
    unreadable = None
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        unreadable = put("perm/secret.txt", arts[11]["text"])
        os.chmod(unreadable, 0)
        must_fail[unreadable] = "read"

    # a very long single line (no paragraph breaks) and punctuation only
    sentences = [invented_article(i, seed=3)["text"].replace("\n\n", " ") for i in range(40)]
    line = " ".join(sentences)
    put("text/one-long-line.txt", ((line + " ") * (1 + long_line // len(line)))[:long_line])
    put("text/punctuation.txt", "!!! ??? ... --- ;;; ,,, ''' \"\"\" ((( ))) *** ### @@@\n" * 50)
    put("text/control-chars.txt", "Headline\x07\x08\x0b\n\n" + "\x1b[31m" * 500 + arts[0]["text"][:80])

    return Corpus(root=root, files=files, good=good, must_fail=must_fail, duplicates=(dup_a, dup_b),
                  big_page=big_page, loop_file=loop_file, unreadable=unreadable)


def write_articles(root, n: int, seed: int = 1) -> list:
    """``n`` small invented articles as .txt files with sidecars under ``root`` (for the crash tests)."""
    root = pathlib.Path(root)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        a = invented_article(i, seed=seed)
        p = root / f"article-{i:03d}.txt"
        p.write_text(a["title"] + "\n\n" + a["text"] + "\n", encoding="utf-8")
        (root / f"article-{i:03d}.meta.json").write_text(json.dumps({"outlet": a["outlet"],
                                                                    "published": a["published"]}))
        paths.append(p)
    return paths


if __name__ == "__main__":   # write a corpus for manual runs: python tests/hostile_corpus.py DIR
    import sys
    c = build(sys.argv[1])
    print(f"{len(c.files)} files under {c.root}")
