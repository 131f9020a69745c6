"""Text normalisation shared by the cross-article linkers (stories, derivations, claim groups).

Inputs may arrive tokenised ("$ 10,000", "251 - 174", "Wednesday ’s") or with typographic quotes and dashes;
everything that compares text across articles goes through ``normalize_text`` first, so the same words
written two ways compare equal.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2013": "-", "\u2014": " - ", "\u2012": "-", "\u2212": "-", "\u00a0": " "})

# (needed, pattern, replacement): a rule runs only when the text holds one of the characters in ``needed``
# (every match of its pattern contains one; "" = always): most texts lack most of them, and a search that
# cannot match still costs a scan of the text
_RULES = [
    ("$£€¥", re.compile(r"([$£€¥])\s+(?=\d)"), r"\1"),                       # "$ 10,000" -> "$10,000"
    ("%", re.compile(r"(?<=\d)\s+([%])"), r"\1"),                            # "5 %" -> "5%"
    ("-", re.compile(r"(?<=\d)\s*-\s*(?=\d)"), "-"),                         # "251 - 174" -> "251-174"
    ("", re.compile(r"(?<=\d) to (?=\d)"), "-"),                            # "251 to 174" -> "251-174"
    (",", re.compile(r"(?<=\d),(?=\d{3}\b)"), ""),                           # "10,000" -> "10000"
    ("'", re.compile(r"\s+('s|'re|'ve|'ll|'d|n't)\b", re.I), r"\1"),          # "Wednesday 's" -> "Wednesday's"
    (".,;:!?)", re.compile(r"\s+([.,;:!?)])"), r"\1"),                        # "word ." -> "word."
    ("(", re.compile(r"([(])\s+"), r"\1"),
    ("", re.compile(r"\s+"), " "),
]

STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from as into about over after before under between
is are was were be been being has have had do does did will would shall should can could may might must
this that these those it its it's he she they them his her their we our you your i me my us
who whom which what when where why how than then there here also not no so such very just
said says say told according more most some any all each other than only own same too up out
""".split())

_WORD = re.compile(r"[a-z0-9$%£€][a-z0-9$%£€'.\-]*[a-z0-9%]|[a-z0-9]")


def normalize_text(text: str) -> str:
    """Canonical spelling of ``text``: plain quotes and dashes, tokenisation artefacts undone."""
    t = (text or "").translate(_QUOTES)
    for needed, pat, rep in _RULES:
        if not needed or any(ch in t for ch in needed):
            t = pat.sub(rep, t)
    return t.strip()


def words(text: str) -> list:
    """Lower-cased word tokens of the normalised text (numbers kept whole: "251-174", "$10000")."""
    t = normalize_text(text).lower()
    out = []
    for w in _WORD.findall(t):
        w = w.strip(".-'")
        if w.endswith("'s"):
            w = w[:-2]
        if w:
            out.append(w)
    return out


def content_words(text: str) -> list:
    """``words`` without stop words, lightly stemmed (plural -s), so paraphrases share their content."""
    out = []
    for w in words(text):
        if w in STOPWORDS or len(w) < 2:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss") and not w[0].isdigit():
            w = w[:-1]
        out.append(w)
    return out


_VOWELS = set("aeiouy")
_STEM_KEEP = frozenset({"news", "series", "species", "means", "always", "perhaps", "whereas", "various"})


def stem(w: str) -> str:
    """A light suffix stemmer, so that inflections and close derivations of one word meet: "liberated",
    "liberates", "liberating", "liberation" -> "liberat"; "families" / "family" -> "family"; "selection" /
    "selected" -> "select". Both sides of a comparison go through it, so a stem need not be a word."""
    if len(w) <= 3 or not w.isalpha() or w in _STEM_KEEP:
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ss") or w.endswith(("us", "is")):
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s"):
        w = w[:-1]
    elif w.endswith("ing") and len(w) >= 6 and _VOWELS & set(w[:-3]):
        w = w[:-3]
    elif w.endswith("ed") and len(w) >= 5 and _VOWELS & set(w[:-2]):
        w = w[:-2]
    elif w.endswith("ation") and len(w) >= 8:
        w = w[:-3]
    elif w.endswith("ion") and len(w) >= 7 and w[-4] in "ts":
        w = w[:-3]
    if len(w) >= 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in _VOWELS:
        w = w[:-1]
    return w


def content_stems(text: str) -> list:
    """Stems of the content words of ``text`` (see ``stem``): what claim alignment compares lexically."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) >= 2]


def stable_hash(s: str) -> int:
    """A 63-bit hash that is the same in every process (Python's ``hash`` is salted)."""
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little") >> 1


def hashed_vectors(texts, dim: int = 1024) -> np.ndarray:
    """Unit-length hashed bag-of-content-words vectors (log tf), a fallback when no embedding is available."""
    m = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in content_words(t):
            m[i, stable_hash(w) % dim] += 1.0
    m = np.log1p(m)
    m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    return m
