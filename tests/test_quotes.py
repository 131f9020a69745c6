"""Quotes: direct, indirect and mixed, with cues and speakers (invented articles) + the seed articles."""

import pytest

from corroborator.annotate import annotate
from corroborator.extract.entities import find_entities
from corroborator.extract.quotes import find_quote_spans, find_quotes
from corroborator.ids import make_id
from corroborator.records import Article



def run(text):
    art = Article(id="a1", path="x.txt", text=text, source_text=text)
    ann = annotate(text)
    ents = find_entities(art, ann)
    return text, find_quotes(art, ann, ents), ents


def quote_with(text, quotes, fragment):
    hits = [q for q in quotes if fragment in text[q.start:q.end]]
    assert hits, f"no quote contains {fragment!r}: {[text[q.start:q.end] for q in quotes]}"
    return hits[0]


def speaker_name(q, ents):
    return next((e.name for e in ents if e.local_id == q.speaker_entity), None)


def test_quote_spans_of_every_kind():
    text = ('He said “one two three” and "four five" and «six seven» and ‘eight nine’ and '
            "''ten eleven'' too.\n\n“An open quote that runs to the end of the paragraph\n\nNext.")
    got = [text[a:b] for a, b, _ in find_quote_spans(text)]
    assert "“one two three”" in got and '"four five"' in got and "«six seven»" in got
    assert "‘eight nine’" in got and "''ten eleven''" in got
    assert any(g.startswith("“An open quote") and g.endswith("paragraph") for g in got)
    assert not any("don" in g for g in got)


def test_direct_quote_after_cue_multisentence_pronoun_and_continuation():
    text = ("Marta Quillon, the harbour master of Port Evander, spoke on Monday.\n\n"
            "“The dredging will finish in May. Ships will dock again by June,” Quillon said.\n\n"
            "“We lost three months of trade,” she said. “Nobody expected the silt.”\n\n"
            "“The ferry company has promised to resume sailings within a week.”\n\n"
            "The harbour was closed in January.")
    text, quotes, ents = run(text)
    q1 = quote_with(text, quotes, "The dredging will finish in May. Ships will dock")
    assert q1.kind == "direct" and q1.cue_text == "said"
    assert speaker_name(q1, ents) and "Quillon" in speaker_name(q1, ents)
    assert text[q1.speaker_start:q1.speaker_end] == "Quillon"
    q2 = quote_with(text, quotes, "We lost three months")
    assert text[q2.speaker_start:q2.speaker_end] == "she" and q2.speaker_entity == q1.speaker_entity
    q3 = quote_with(text, quotes, "Nobody expected the silt")
    assert q3.speaker_entity == q1.speaker_entity
    q4 = quote_with(text, quotes, "The ferry company has promised")     # continuation paragraph
    assert q4.speaker_entity == q1.speaker_entity and q4.cue_text is None
    assert q1.id == make_id("q", "a1", q1.start, q1.end)
    assert not any("harbour was closed" in text[q.start:q.end] for q in quotes)


def test_indirect_quotes_with_their_cues():
    text = ("The mayor of Lindqvist, Tomas Arvell, said that the bridge would reopen next spring.\n\n"
            "The repairs cost more than planned, according to Petra Solano, the city treasurer.\n\n"
            "Engineer Hugo Brandt told the Lindqvist Courier this month that the cables had corroded.\n\n"
            "Inspections were delayed for two years, as reported by Mr. Brandt.\n\n"
            "Councillor Ines Ferrow expressed that the council had ignored earlier warnings.")
    text, quotes, ents = run(text)
    cases = [("bridge would reopen", "said", "Arvell"), ("repairs cost more", "according to", "Solano"),
             ("cables had corroded", "told", "Brandt"), ("Inspections were delayed", "as reported", "Brandt"),
             ("council had ignored", "expressed", "Ferrow")]
    for frag, cue, who in cases:
        q = quote_with(text, quotes, frag)
        assert q.kind == "indirect", frag
        assert q.cue_text == cue, (frag, q.cue_text)
        assert who in (speaker_name(q, ents) or ""), (frag, speaker_name(q, ents))
        assert cue not in text[q.start:q.end]


def test_mixed_quote_and_scare_quotes():
    text = ("Colonel Ada Vrell said the convoy faced \"constant harassment\" on the northern road.\n\n"
            "The so-called \"green corridor\" was never opened.")
    text, quotes, ents = run(text)
    q = quote_with(text, quotes, "constant harassment")
    assert q.kind == "mixed" and "Vrell" in speaker_name(q, ents)
    assert "convoy faced" in text[q.start:q.end]
    assert not any("green corridor" in text[q.start:q.end] for q in quotes)


def test_call_sign_age_and_anonymous_speakers():
    text = ("“We dig trenches every night,” said one volunteer with the call sign Falk, barely 19 years old.\n\n"
            "Orsino, 47, declared, “The valley will hold through the winter.”\n\n"
            "One of the medics, who asked not to be named, stated that supplies ran out twice.\n\n"
            "One sapper was cheerful, claiming the new mines were “easier to clear.”")
    text, quotes, ents = run(text)
    q = quote_with(text, quotes, "We dig trenches")
    falk = next(e for e in ents if e.local_id == q.speaker_entity)
    assert falk.name == "Falk" and falk.type == "PERSON" and falk.attributes.get("call_sign")
    q = quote_with(text, quotes, "valley will hold")
    orsino = next(e for e in ents if e.local_id == q.speaker_entity)
    assert orsino.name == "Orsino" and orsino.type == "PERSON"
    q = quote_with(text, quotes, "supplies ran out")
    assert q.speaker_entity is None and "One of the medics" in q.speaker_description
    q = quote_with(text, quotes, "easier to clear")
    assert q.speaker_entity is None and "One sapper" in q.speaker_description


def test_speaking_name_tagged_as_place_becomes_person_and_is_idempotent():
    text = ("Denver, a 28-year-old gunner with a call sign, said that the battery moved twice a day.\n\n"
            "He added that the enemy drones came at dawn.")
    art = Article(id="a2", path="x.txt", text=text, source_text=text)
    ann = annotate(text)
    ents = find_entities(art, ann)
    q1 = find_quotes(art, ann, ents)
    n = len(ents)
    q2 = find_quotes(art, ann, ents)
    assert len(ents) == n and [q.id for q in q1] == [q.id for q in q2]
    q = quote_with(text, q1, "drones came at dawn")
    den = next(e for e in ents if e.local_id == q.speaker_entity)
    assert den.name == "Denver" and den.type == "PERSON"


# ------------------------------------------------------------------ the seed articles
# ``seeds``: (gold, per-article analyses) of the seed articles, from conftest.py (made once per session)


def test_seed_quotes_found_with_their_speakers(seeds):
    gold, analyses = seeds
    for g in gold["quotes"]:
        an = analyses[g["article"]]
        text = an.article.text
        hits = [q for q in an.quotes if g["contains"] in text[q.start:q.end]]
        assert hits, f"quote not found: {g['contains']!r}"
        q = hits[0]
        if g["speaker"] is None:
            assert q.speaker_entity is None and q.speaker_description, g["contains"]
        else:
            name = next((e.name for e in an.entities if e.local_id == q.speaker_entity), "")
            assert g["speaker"] in name or name in g["speaker"] and name, (g["contains"], name)


def test_two_cues_over_one_content_give_one_quote(monkeypatch):
    # Two reports ("he says", then "he said") whose contents become the same span once trimmed must give
    # one quote: a quote's id is its article and span. Forced here by trimming every content to one span.
    import corroborator.extract.quotes as quotes_mod

    text = ("Bruno Vasquez phoned the organisers last week. Now, he says, at least nine of the 31 wardens "
            "have signed on, names he said would be made public soon.\n\nMarta Keel said she was not sure.")
    _, before, _ = run(text)
    assert len(before) >= 2
    span = (before[0].start, before[0].end)
    monkeypatch.setattr(quotes_mod, "_trim", lambda text, s, e, in_quote: span)
    _, quotes, _ = run(text)
    assert [(q.start, q.end) for q in quotes] == [span]
