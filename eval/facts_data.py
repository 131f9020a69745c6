"""The fact-level gold of ../shared/data/facts/basil, read at run time, and the pipeline's claims mapped onto it.

Each gold story lists BASIL sentences by id (``FOX:p2s0``: sentence 0 of paragraph 2 of the Fox article) with
their text; the facts stated by two or more outlets (each mention a sentence, stated by the outlet or by a
speaker), hard look-alike pairs, conflicts between outlets and disputes between speakers.

``load_stories()`` gives the stories with their articles as ``InputDoc`` (BASIL's body paragraphs, one
paragraph a line block); ``analyse(stories)`` runs the per-article stages; ``SentenceMap`` maps each claim to
the gold sentences it covers (character overlap of at least half the shorter of the two). Used by
``facts_eval.py`` (the figures) and ``fit_samefact.py`` (the same-fact model's training pairs).
"""
from __future__ import annotations

import json
import pathlib
import pickle
import re
import sys
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
GOLD = SHARED / "facts" / "basil"
BASIL = SHARED / "stories" / "basil" / "articles"
sys.path.insert(0, str(ROOT / "src"))

_LINE = re.compile(r"^([A-Z]+):p(\d+)s(\d+)\t(.*)$")
_STORY = re.compile(r"^# story (\d+): (\d{4})/([0-9a-f-]+)")
_ARTICLE = re.compile(r"^## (\w+) \| (\S+) \|")


def available() -> bool:
    return GOLD.is_dir() and BASIL.is_dir()


@dataclass
class GoldStory:
    number: int
    year: str
    uuid: str
    sentences: dict                       # sentence id -> text
    files: dict                           # outlet tag (FOX/NYT/HPO) -> BASIL file name
    gold: dict                            # the story-NN.json record
    docs: dict = field(default_factory=dict)    # outlet tag -> InputDoc

    @property
    def positive_pairs(self) -> set:
        """Sentence pairs of two outlets that state one gold fact."""
        out = set()
        for f in self.gold["facts"]:
            ms = [m["s"] for m in f["mentions"]]
            for i, a in enumerate(ms):
                for b in ms[i + 1:]:
                    if outlet_of(a) != outlet_of(b):
                        out.add(frozenset((a, b)))
        return out


def outlet_of(sid: str) -> str:
    return sid.split(":", 1)[0]


def _read_story(txt: pathlib.Path) -> GoldStory:
    sentences, files, number, year, uuid, tag = {}, {}, None, None, None, None
    for line in txt.read_text(encoding="utf-8").splitlines():
        m = _STORY.match(line)
        if m:
            number, year, uuid = int(m.group(1)), m.group(2), m.group(3)
            continue
        m = _ARTICLE.match(line)
        if m:
            tag = m.group(1)
            files[tag] = m.group(2)
            continue
        m = _LINE.match(line)
        if m:
            sentences[f"{m.group(1)}:p{m.group(2)}s{m.group(3)}"] = m.group(4)
    gold = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
    return GoldStory(number=number, year=year, uuid=uuid, sentences=sentences, files=files, gold=gold)


def load_stories(limit: int | None = None) -> list:
    from corroborator.records import InputDoc
    stories = [_read_story(p) for p in sorted(GOLD.glob("story-*.txt"))][:limit]
    for st in stories:
        for tag, name in st.files.items():
            d = json.loads((BASIL / st.year / name).read_text(encoding="utf-8"))
            text = "\n\n".join(" ".join(p) for p in d.get("body-paragraphs", []))
            st.docs[tag] = InputDoc(path=f"basil/{st.year}/{name}", kind="text", content=text, url=d.get("url"),
                                    outlet=tag, published=d.get("date"), title=d.get("title"))
    return stories


def analyse(stories, cache: str | None = None) -> dict:
    """Article path -> ``ArticleAnalysis`` for every article of ``stories`` (per-article stages, in memory).
    ``cache``: a pickle file reused while the package version and the inputs are the same."""
    import corroborator
    from corroborator.pipeline import process_batch
    docs = [d for st in stories for d in st.docs.values()]
    key = (corroborator.__version__, tuple((d.path, len(d.content)) for d in docs))
    if cache and pathlib.Path(cache).exists():
        saved = pickle.loads(pathlib.Path(cache).read_bytes())
        if saved.get("key") == key:
            return saved["analyses"]
    out = {}
    for i in range(0, len(docs), 16):
        for _k, res in process_batch(docs[i:i + 16]):
            if hasattr(res, "article"):
                out[res.article.path] = res
    if cache:
        pathlib.Path(cache).write_bytes(pickle.dumps({"key": key, "analyses": out}))
    return out


def _norm_map(text: str):
    """``text`` with runs of whitespace as one space (and curly quotes straight), and the offset in ``text`` of
    each character of it."""
    chars, offs, prev_space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        chars.append({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}.get(ch, ch))
        offs.append(i)
    return "".join(chars), offs


class SentenceMap:
    """Where each gold sentence lies in an article's cleaned text, and which sentences each claim covers."""

    def __init__(self, story: GoldStory, analyses_by_tag: dict):
        self.spans = {}                    # sentence id -> (article id, start, end)
        for tag, an in analyses_by_tag.items():
            norm, offs = _norm_map(an.article.text)
            pos = 0
            for sid, sent in story.sentences.items():
                if outlet_of(sid) != tag:
                    continue
                s, _ = _norm_map(sent.strip())
                if not s:
                    continue
                i = norm.find(s, pos)
                if i < 0:
                    i = norm.find(s)
                if i < 0 and len(s) > 60:            # cleaning changed a character: anchor on both ends
                    a, b = norm.find(s[:30], pos), norm.find(s[-30:], pos)
                    if a >= 0 and b > a:
                        self.spans[sid] = (an.article.id, offs[a], offs[b + 29] + 1)
                    continue
                if i >= 0:
                    self.spans[sid] = (an.article.id, offs[i], offs[i + len(s) - 1] + 1)
                    pos = i + len(s)
        self.by_article = {}
        for sid, (aid, s, e) in self.spans.items():
            self.by_article.setdefault(aid, []).append((s, e, sid))

    def sentences_of(self, article_id: str, start: int, end: int) -> set:
        out = set()
        for s, e, sid in self.by_article.get(article_id, ()):
            ov = min(e, end) - max(s, start)
            if ov > 0 and ov >= 0.5 * min(e - s, end - start):
                out.add(sid)
        return out


def gold_tag(story: GoldStory, analyses: dict) -> dict:
    """Outlet tag -> the analysis of that outlet's article in ``story``."""
    return {tag: analyses[d.path] for tag, d in story.docs.items() if d.path in analyses}
