"""A story's names found where an article's tagger missed them (link/mentions.py, issue 23). The entities are
written by hand, as a tagger that found a name in one report and missed it in another would leave them; all
names are invented."""
from __future__ import annotations

from corroborator.link.entities import merge_entities
from corroborator.link.mentions import spread_names, story_names
from corroborator.records import Article, ArticleAnalysis, LocalEntity, Story


def _an(aid, text, ents):
    """An analysis of ``text`` whose entities are ``(name, type, [surface forms found])``."""
    out = []
    for k, (name, typ, forms) in enumerate(ents):
        spans = []
        for f in forms:
            s = text.index(f)
            spans.append((s, s + len(f)))
        out.append(LocalEntity(local_id=k, name=name, type=typ, aliases=[name], mentions=spans))
    return ArticleAnalysis(article=Article(id=aid, path=f"{aid}.txt", text=text, source_text=text),
                           entities=out, quotes=[], claims=[])


def _names_at(an, name):
    return sorted(an.article.text[s:e] for e in an.entities for s, e in e.mentions if an.article.text[s:e] == name)


def test_a_name_tagged_in_one_report_is_found_in_another():
    a = _an("a", "The Tidewatch Beacon update froze tablets across Port Evander on Monday.",
            [("Tidewatch Beacon", "ORG", ["Tidewatch Beacon"]), ("Port Evander", "GPE", ["Port Evander"])])
    b = _an("b", "TABLETS FROZEN\nA faulty Tidewatch Beacon update froze tablets, and the Tidewatch Beacon "
                 "team apologised. Old Tidewatch Beacon Road was closed.", [])
    added = spread_names([a, b])
    # both standalone uses, never the one inside a longer capitalised name ("Old Tidewatch Beacon Road")
    assert added == 2
    (ent,) = b.entities
    assert ent.type == "ORG" and ent.name == "Tidewatch Beacon" and len(ent.mentions) == 2
    assert all(s < b.article.text.index("Old Tidewatch") for s, _ in ent.mentions)
    # the two articles' entities are one global entity
    _ents, emap = merge_entities([a, b], [Story(id="s1", title="", articles=["a", "b"])])
    assert emap[("a", 0)] == emap[("b", 0)]


def test_a_covered_name_an_own_entity_and_a_rerun_add_nothing_twice():
    a = _an("a", "Marisol Deane chairs the Lowmarsh Water Board.",
            [("Marisol Deane", "PERSON", ["Marisol Deane"]), ("Lowmarsh Water Board", "ORG", ["Lowmarsh Water Board"])])
    b = _an("b", "Deane, or Marisol Deane as the Lowmarsh Water Board minutes name her, said Marisol Deane would stay.",
            [("Marisol Deane", "PERSON", ["Marisol Deane"])])
    spread_names([a, b])
    deane = next(e for e in b.entities if e.name == "Marisol Deane")
    assert len(deane.mentions) == 2            # her own entity takes the untagged second use
    assert [e.name for e in b.entities].count("Marisol Deane") == 1
    assert _names_at(b, "Lowmarsh Water Board") == ["Lowmarsh Water Board"]
    assert spread_names([a, b]) == 0           # nothing left to add


def test_only_names_of_one_kind_and_two_words_are_looked_for():
    a = _an("a", "Harbour Lights sold out; Keller spoke.", [("Harbour Lights", "ORG", ["Harbour Lights"]),
                                                           ("Keller", "PERSON", ["Keller"])])
    b = _an("b", "Harbour Lights, the ship, docked; Keller waved.", [("Harbour Lights", "LOC", ["Harbour Lights"])])
    c = _an("c", "Harbour Lights and Keller again.", [])
    assert story_names([a, b, c]) == {}        # two kinds for one name; a single word is no name to spread
    assert spread_names([a, b, c]) == 0 and c.entities == []
