"""Claims: attribution (outlet, speaker, anonymous, document) and modality, on invented articles + seeds."""

import pytest

from corroborator.annotate import annotate
from corroborator.extract.claims import find_claims
from corroborator.extract.entities import find_entities
from corroborator.extract.quotes import find_quotes
from corroborator.ids import make_id
from corroborator.records import Article


STORY = (
    "Flooding closed the Varn valley road on Tuesday.\n\n"
    "“The river rose four metres in one night,” said Lena Ostrova, the head of the Varn rescue service. "
    "“Two villages were cut off.”\n\n"
    "The Varn Herald was unable to independently verify Ostrova's claims.\n\n"
    "Ostrova said that 40 families had been evacuated.\n\n"
    "One of the rescuers, who asked not to be named, said that the dam gates were opened too late.\n\n"
    "Another rescuer, who asked not to be named, said that the pumps had failed.\n\n"
    "The dam operator reportedly ignored two warnings.\n\n"
    "The regional governor did not visit the valley.\n\n"
    "The valley has 3,000 residents, according to the regional census.\n\n"
    "Why was the warning late?\n\n"
    "Rain fell for six days; the river broke its banks on Monday night.")


@pytest.fixture(scope="module")
def story():
    art = Article(id="art9", path="x.txt", text=STORY, source_text=STORY)
    ann = annotate(STORY)
    ents = find_entities(art, ann)
    quotes = find_quotes(art, ann, ents)
    return art, ents, quotes, find_claims(art, ann, ents, quotes)


def claim_with(claims, fragment):
    hits = [c for c in claims if fragment in c.text]
    assert hits, f"no claim contains {fragment!r}"
    return hits[0]


def test_outlet_claims_and_ids(story):
    art, ents, quotes, claims = story
    c = claim_with(claims, "Flooding closed the Varn valley road")
    assert c.attribution == "outlet" and c.modality == "asserted" and c.quote is None
    assert c.id == make_id("c", art.id, c.start, c.end) and STORY[c.start:c.end] == c.text
    assert any(e.local_id in c.entities for e in ents if "Varn" in e.name)


def test_speaker_claims_inside_quotes_and_unverified(story):
    art, ents, quotes, claims = story
    ostrova = [e.local_id for e in ents if "Ostrova" in e.name]
    for frag in ("river rose four metres", "Two villages were cut off", "40 families had been evacuated"):
        c = claim_with(claims, frag)
        assert c.attribution == "speaker" and c.speaker_entity in ostrova, frag
        assert c.quote in {q.id for q in quotes}
        assert c.modality == "unverified", frag
    c = claim_with(claims, "unable to independently verify")
    assert c.attribution == "outlet" and c.modality != "unverified"


def test_anonymous_speakers_get_comparable_keys(story):
    art, ents, quotes, claims = story
    a = claim_with(claims, "dam gates were opened too late")
    b = claim_with(claims, "pumps had failed")
    assert a.attribution == b.attribution == "anonymous"
    assert a.speaker_entity is None and a.speaker_key and a.speaker_key.startswith("anon:")
    assert a.speaker_key != b.speaker_key    # "one of the rescuers" vs "another rescuer"


def test_document_hedged_negated(story):
    art, ents, quotes, claims = story
    assert claim_with(claims, "3,000 residents").attribution == "document"
    assert claim_with(claims, "reportedly ignored").modality == "hedged"
    assert claim_with(claims, "did not visit").modality == "negated"


def test_questions_skipped_and_semicolons_split(story):
    art, ents, quotes, claims = story
    assert not any("Why was the warning late" in c.text for c in claims)
    a = claim_with(claims, "Rain fell for six days")
    assert "broke its banks" not in a.text
    assert claim_with(claims, "the river broke its banks").start > a.end


# ------------------------------------------------------------------ the seed articles
# ``seeds``: (gold, per-article analyses) of the seed articles, from conftest.py (made once per session)


def test_seed_unverified_speaker_claims(seeds):
    gold, analyses = seeds
    unv = gold["unverified"]
    an = analyses[unv["article"]]
    who = [e.local_id for e in an.entities if e.name == unv["applies_to_speaker"]]
    theirs = [c for c in an.claims if c.attribution == "speaker" and c.speaker_entity in who]
    assert len(theirs) >= 5
    assert all(c.modality == "unverified" for c in theirs)
    others = [c for c in an.claims if c.attribution == "outlet"]
    assert others and not any(c.modality == "unverified" for c in others)


def _claims_of(text, aid):
    """The claims ``find_claims`` makes of ``text`` (one article, annotated, entities and quotes found)."""
    art = Article(id=aid, path=f"{aid}.txt", text=text, source_text=text)
    ann = annotate(text)
    ents = find_entities(art, ann)
    return find_claims(art, ann, ents, find_quotes(art, ann, ents))


def test_a_short_attribution_frame_is_left_out_of_the_claim_span():
    text = ("The pumps were switched off too early, Ostrova said.\n\n"
            "Ostrova said that 40 families had been evacuated.\n\n"
            "“The river rose four metres in one night,” said Lena Ostrova, the head of the Varn rescue service.\n\n"
            "The valley road reopened on Friday, Ostrova said, and the school will follow next week.")
    claims = _claims_of(text, "art10")
    texts = [c.text for c in claims]
    # the frame ("..., Ostrova said", "Ostrova said that ...") is the attribution, not the claim's content
    assert "The pumps were switched off too early" in texts
    assert "40 families had been evacuated" in texts
    for c in claims:
        assert text[c.start:c.end] == c.text
    for c in claims[:3]:
        assert c.attribution == "speaker" and c.speaker_entity is not None
    # a frame that sits mid-sentence stays in the claim
    assert any(t.startswith("The valley road reopened on Friday, Ostrova said, and") for t in texts)


def test_a_frame_that_narrates_more_than_who_speaks_is_the_outlets_own_claim():
    # the apposition and the prefatory clause are the outlet's facts; the quote's content is the speaker's
    text = ("\u201cThe river rose four metres in one night,\u201d said Lena Ostrova, the head of the Varn rescue service.\n\n"
            "Three days after the dam at Kessel gave way, the regional governor Marta Lind said the repairs would "
            "cost 4 million euros.\n\n"
            "In a statement, Lind disputed that the dam had been neglected, saying the last inspection found no "
            "fault.\n\n"
            "Lind said on Monday that the road would reopen.")
    claims = {c.text: c for c in _claims_of(text, "art12")}
    for c in claims.values():
        assert text[c.start:c.end] == c.text
    said = {t: c.attribution for t, c in claims.items()}
    assert said.get("The river rose four metres in one night") == "speaker"
    assert said.get("said Lena Ostrova, the head of the Varn rescue service") == "outlet"
    assert said.get("the repairs would cost 4 million euros") == "speaker"
    assert said.get("Three days after the dam at Kessel gave way, the regional governor Marta Lind said") == "outlet"
    # a frame that is itself reported speech ("disputed that ...") stays the speaker's
    disputed = [c for t, c in claims.items() if "disputed" in t]
    assert disputed and all(c.attribution == "speaker" for c in disputed)
    # a frame of who, when and the cue only ("Lind said on Monday") is no claim of the outlet's
    reopen = [c for t, c in claims.items() if "the road would reopen" in t]
    assert reopen and all(c.attribution == "speaker" for c in reopen)
    assert not any(t.startswith("Lind said") and a == "outlet" for t, a in said.items())


def test_a_quote_inside_the_outlets_narration_leaves_the_sentence_the_outlets():
    # the outlet asserts what happened; the short quote inside does not make the event a speaker's word
    text = ("A volunteer walked up to Lena Ostrova at the pumping station on Monday, saying: “Good morning.”\n\n"
            "Ostrova looked tired and asked, “who sent you?” before closing the gate.\n\n"
            "“The gates were opened too late,” Ostrova said.\n\n"
            "Ostrova said that the pumps had failed twice, calling the repairs “a waste of time.”\n\n"
            "Ostrova criticized the dam operator, saying it had ignored “two clear warnings.”")
    claims = _claims_of(text, "art11")
    assert claim_with(claims, "walked up to Lena Ostrova").attribution == "outlet"
    assert claim_with(claims, "looked tired").attribution == "outlet"
    assert claim_with(claims, "opened too late").attribution == "speaker"
    assert claim_with(claims, "failed twice").attribution == "speaker"       # a verb of saying is the root
    # a stance with an object ("criticized the dam operator") is the outlet's account of what she did; what she
    # said while doing it is hers
    assert claim_with(claims, "dam operator").attribution == "outlet"
    assert claim_with(claims, "had ignored").attribution == "speaker"
