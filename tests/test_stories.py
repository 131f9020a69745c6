"""Stories (articles grouped by event) and derivations (text reuse) over invented articles."""
from __future__ import annotations

import json
import pathlib
import time

import numpy as np
import pytest

from corroborator.ids import make_id
from corroborator.link.derivation import find_derivations
from corroborator.link.stories import cluster_stories
from corroborator.records import Article, ArticleAnalysis, LocalEntity

FIX = pathlib.Path(__file__).parent / "fixtures" / "story" / "articles.jsonl"


def _article(key, text, outlet=None, published=None, title=None):
    return Article(id=make_id("a", text), path=f"{key}.txt", text=text, source_text=text, outlet=outlet,
                   published=published, title=title)


def load_fixture():
    recs = [json.loads(line) for line in FIX.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["key"]: _article(r["key"], r["text"], r["outlet"], r["published"], r["title"]) for r in recs}


def analyses_for(articles, embed=True):
    arts = list(articles)
    vecs = [None] * len(arts)
    if embed:
        from corroborator.annotate import embed_texts
        vecs = list(embed_texts([((a.title or "") + "\n" + a.text[:1000]) for a in arts]))
    return [ArticleAnalysis(article=a, entities=[], quotes=[], claims=[], doc_vector=v) for a, v in zip(arts, vecs)]


@pytest.fixture(scope="module")
def fixture_articles():
    return load_fixture()


@pytest.fixture(scope="module")
def fixture_analyses(fixture_articles):
    return analyses_for(fixture_articles.values())


def _by_key(stories, arts):
    key_of = {a.id: k for k, a in arts.items()}
    return sorted(sorted(key_of[x] for x in s.articles) for s in stories)


def test_articles_about_the_same_event_form_one_story(fixture_articles, fixture_analyses):
    stories = cluster_stories(fixture_analyses)
    assert _by_key(stories, fixture_articles) == [["bulletin", "herald", "signal"], ["courier", "observer"]]
    for s in stories:
        assert s.id == make_id("s", *sorted(s.articles))
        assert s.title in {fixture_articles[k].title for k in fixture_articles}


def test_story_ids_do_not_depend_on_input_order(fixture_analyses):
    a = cluster_stories(fixture_analyses)
    b = cluster_stories(list(reversed(fixture_analyses)))
    assert [(s.id, s.articles, s.title) for s in a] == [(s.id, s.articles, s.title) for s in b]


def test_without_embeddings_stories_fall_back_to_words(fixture_articles):
    stories = cluster_stories(analyses_for(fixture_articles.values(), embed=False))
    assert _by_key(stories, fixture_articles) == [["bulletin", "herald", "signal"], ["courier", "observer"]]


def test_shared_names_and_dates_help_and_distant_dates_separate():
    # same wording, one year apart: two different council meetings, not one story
    t1 = "Harwick council approves new parking charges\n\nHarwick council voted on Monday to raise parking charges."
    t2 = "Harwick council approves new parking charges\n\nHarwick council voted on Monday to raise parking charges again."
    a = _article("x", t1, published="2023-01-09", title="Harwick council approves new parking charges")
    b = _article("y", t2, published="2024-03-11", title="Harwick council approves new parking charges")
    c = _article("z", t2 + " ", published="2024-03-12", title="Harwick council approves new parking charges")
    an = analyses_for([a, b, c])
    for x in an:
        x.entities = [LocalEntity(0, "Harwick", "GPE", ["Harwick"], [(0, 7)])]
    groups = sorted(sorted(s.articles) for s in cluster_stories(an))
    assert sorted(b.id for b in [b, c]) in groups
    assert [a.id] in groups


def test_a_not_before_date_only_bounds_the_publication_from_below():
    # an undated copy-paste of the same report, which mentions an old ruling: the latest date its text names
    # (1998) says it was published after 1998, not in 1998, so it still joins its story; an undated report whose
    # text names a date a year after the other's publication cannot be that story
    t = ("Harwick council approves new parking charges\n\nHarwick council voted on Monday to raise parking "
         "charges, citing the 1998 ruling of March 3, 1998 that set the fees.")
    a = _article("x", t, published="2024-03-11", title="Harwick council approves new parking charges")
    b = _article("y", t + " Residents objected.", title="Harwick council approves new parking charges")
    b.published_not_before = "1998-03-03"
    c = _article("z", t + " Shops objected.", title="Harwick council approves new parking charges")
    c.published_not_before = "2025-04-02"
    groups = sorted(sorted(s.articles) for s in cluster_stories(analyses_for([a, b])))
    assert groups == [sorted([a.id, b.id])]
    groups = sorted(sorted(s.articles) for s in cluster_stories(analyses_for([a, c])))
    assert groups == sorted([[a.id], [c.id]])


def test_copied_paragraphs_make_the_later_article_derived(fixture_articles):
    d = find_derivations(list(fixture_articles.values()))
    pairs = {(x.article, x.source): x.share for x in d}
    herald, signal = fixture_articles["herald"].id, fixture_articles["signal"].id
    assert set(pairs) == {(signal, herald)}
    assert 0.4 < pairs[(signal, herald)] < 0.95


def test_one_shared_quote_is_not_reuse():
    quote = '"We are not going to take any chances with a structure that carries school buses," the engineer said.'
    a = _article("a", "The county closed the bridge on Sunday after a routine survey found damage. " + quote +
                 " Repairs are expected to take months and the detour adds forty minutes.", published="2025-05-12")
    b = _article("b", "Drivers queued for an hour on Monday as the closure bit. " + quote +
                 " Shops on the east bank said trade had halved, and the market may move.", published="2025-05-13")
    assert find_derivations([a, b]) == []


def test_rewrite_with_the_same_quotes_in_order_is_derived():
    q = ['"The water came up faster than anyone had ever seen it come up before"',
         '"We moved the animals to the top field and then we just waited for the rain to stop"',
         '"Nobody from the council came to see us until the third day of the flood"']
    a = _article("a", f"Farmers near Oxley described the flood. {q[0]}, said one farmer. Later she added: {q[1]}. "
                      f"Her neighbour was angry. {q[2]}, he said.", published="2025-02-01")
    b = _article("b", f"Flood-hit growers spoke out on Sunday. One told reporters {q[0]}. She went on: {q[1]}. "
                      f"A man from the next farm complained: {q[2]}.", published="2025-02-02")
    d = find_derivations([b, a])
    assert [(x.article, x.source) for x in d] == [(b.id, a.id)]
    assert 0 < d[0].share <= 1


def test_without_dates_the_direction_is_deterministic(fixture_articles):
    h, s = fixture_articles["herald"], fixture_articles["signal"]
    h2 = _article("h", h.text)
    s2 = _article("s", s.text)
    d1 = find_derivations([h2, s2])
    d2 = find_derivations([s2, h2])
    assert [(x.article, x.source) for x in d1] == [(x.article, x.source) for x in d2]
    assert len(d1) == 1 and d1[0].article == max(h2.id, s2.id)


def _synthetic(n, rng):
    centres = rng.standard_normal((n // 3 + 1, 384)).astype(np.float32)
    out = []
    for i in range(n):
        v = centres[i // 3] + 0.35 * rng.standard_normal(384).astype(np.float32)
        v /= np.linalg.norm(v)
        art = Article(id=f"a{i:06d}", path=f"{i}.txt", text=f"article {i}", source_text="", title=f"t{i}")
        out.append(ArticleAnalysis(article=art, entities=[], quotes=[], claims=[], doc_vector=v))
    return out


@pytest.mark.slow
def test_story_clustering_scales_near_linearly():
    rng = np.random.default_rng(7)
    small, large = _synthetic(1000, rng), _synthetic(10000, rng)
    t0 = time.perf_counter()
    s_small = cluster_stories(small)
    t1 = time.perf_counter()
    s_large = cluster_stories(large)
    t2 = time.perf_counter()
    assert (t2 - t1) <= 15 * max(t1 - t0, 0.05)
    # the planted triples are found
    assert abs(len(s_small) - 334) < 40 and abs(len(s_large) - 3334) < 400
