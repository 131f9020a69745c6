"""Block quotes and documents' authors (issue 22): invented articles."""

from corroborator.annotate import annotate
from corroborator.extract.claims import find_claims
from corroborator.extract.entities import find_entities
from corroborator.extract.quotes import find_quotes
from corroborator.records import Article


def run(text):
    art = Article(id="a1", path="x.txt", text=text, source_text=text)
    ann = annotate(text)
    ents = find_entities(art, ann)
    quotes = find_quotes(art, ann, ents)
    return art, ann, ents, quotes


def quote_of(text, quotes, fragment):
    hits = [q for q in quotes if fragment in text[q.start:q.end]]
    return hits[0] if hits else None


LETTER = """The town council met on Monday to discuss the new bridge.

In a letter to the mayor, the residents of Elm Street wrote:

The bridge would bring heavy trucks past the school every morning and evening.

We ask the council to study other routes before it votes on the plan.

The mayor did not reply to the letter. The council will vote in March.
"""


def test_paragraphs_after_a_colon_intro_are_the_speakers_words():
    art, ann, ents, quotes = run(LETTER)
    first = quote_of(LETTER, quotes, "heavy trucks")
    second = quote_of(LETTER, quotes, "study other routes")
    assert first is not None and second is not None
    for q in (first, second):
        assert q.kind == "direct" and q.speaker_description == "the residents of Elm Street"
    # the outlet takes over again: no first person, a narrated paragraph
    assert quote_of(LETTER, quotes, "did not reply") is None
    claims = find_claims(art, ann, ents, quotes)
    by_text = {c.text: c for c in claims}
    assert any("heavy trucks" in t and c.attribution == "anonymous" for t, c in by_text.items())
    assert any("did not reply" in t and c.attribution == "outlet" for t, c in by_text.items())


def test_block_stops_at_a_paragraph_with_its_own_cue():
    text = """Dr. Maria Okafor, the clinic's director, said in a statement:

“The clinic will serve every family in the valley.

“Our doors are open seven days a week,” said Tom Reyes, a nurse.

We are proud of the clinic, the mayor's office said.
"""
    _, _, ents, quotes = run(text)
    first = quote_of(text, quotes, "every family")
    assert first is not None
    assert next(e.name for e in ents if e.local_id == first.speaker_entity) == "Maria Okafor"
    doors = quote_of(text, quotes, "seven days")
    assert doors is not None and doors.speaker_entity != first.speaker_entity


def test_a_colon_without_a_speech_cue_starts_no_block():
    text = """The plan has three parts:

Roads will be widened along the coast before the summer season opens.
"""
    _, _, _, quotes = run(text)
    assert quote_of(text, quotes, "Roads will be widened") is None


DOCS = """More than 90 professors signed a letter to the board on Tuesday.

The letter says the tuition increase will drive away students from poor families.

The letter, signed by 40 nurses, says the hospital is short of staff.

The report says the river flooded twice last year.
"""


def test_a_documents_words_are_credited_to_its_named_authors():
    art, ann, ents, quotes = run(DOCS)
    assert quote_of(DOCS, quotes, "tuition").speaker_description == "More than 90 professors"
    assert quote_of(DOCS, quotes, "short of staff").speaker_description == "40 nurses"
    claims = find_claims(art, ann, ents, quotes)
    tuition = next(c for c in claims if "tuition" in c.text)
    assert tuition.attribution == "anonymous" and "professors" in tuition.speaker_key
    river = next(c for c in claims if "river" in c.text)
    assert river.attribution == "document"


def test_authors_signed_by_after_the_letter_even_when_the_parse_hangs_them_elsewhere():
    text = """The complaint arrived in a letter sent on Monday and signed by some 70 teachers at Kellen College.

The letter says, “Our classrooms have gone without heating since the autumn term began.”
"""
    art, ann, ents, quotes = run(text)
    assert "teachers" in quote_of(text, quotes, "without heating").speaker_description


def test_a_letter_without_authors_stays_a_document():
    text = """The board received a letter on Tuesday.

The letter says the tuition increase will drive away students from poor families.
"""
    art, ann, ents, quotes = run(text)
    claims = find_claims(art, ann, ents, quotes)
    assert next(c for c in claims if "tuition" in c.text).attribution == "document"


def test_a_released_statement_introduces_a_block():
    text = """The Harbor Shipping Company released a statement:

The delay was caused by a storm off the coast and not by any fault of our crews.

Repairs to the dock are expected to take two weeks.
"""
    _, _, ents, quotes = run(text)
    q = quote_of(text, quotes, "caused by a storm")
    assert q is not None and q.speaker_entity is not None
    assert "Harbor Shipping" in next(e.name for e in ents if e.local_id == q.speaker_entity)
    assert quote_of(text, quotes, "Repairs to the dock") is None
