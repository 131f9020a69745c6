"""Speakers named by an office, a missed name or a pronoun resolve to the person the article named before."""
from __future__ import annotations

from corroborator.extract.speakers import resolve_speakers
from corroborator.records import Article, LocalEntity, Quote


def _article(text):
    return Article(id="a1", path="a1.txt", text=text, source_text=text)


def _at(text, sub):
    i = text.index(sub)
    return i, i + len(sub)


def _quote(text, content, description, qid="q1"):
    s, e = _at(text, content)
    return Quote(id=qid, start=s, end=e, kind="direct", speaker_description=description)


TEXT = ("Gov. Ana Ruiz signed the harbour bill on Monday. Sen. Tomas Welk, who opposed it, left early.\n\n"
        "\"We will rebuild the pier,\" the governor said.\n\n"
        "\"This is a mistake,\" the Kellen senator said.\n\n"
        "\"The budget will hold,\" a senior official said.")


def _people():
    return [LocalEntity(1, "Ana Ruiz", "PERSON", ["Ana Ruiz"], [_at(TEXT, "Ana Ruiz")]),
            LocalEntity(2, "Tomas Welk", "PERSON", ["Tomas Welk"], [_at(TEXT, "Tomas Welk")])]


def test_a_definite_office_is_the_one_person_who_holds_it():
    qs = [_quote(TEXT, "We will rebuild the pier", "the governor", "q1"),
          _quote(TEXT, "This is a mistake", "the Kellen senator", "q2")]
    resolve_speakers(_article(TEXT), _people(), qs)
    assert [q.speaker_entity for q in qs] == [1, 2]
    assert qs[0].speaker_description == "the governor"          # the description is kept beside the name


def test_an_anonymous_source_is_never_given_a_name():
    q = _quote(TEXT, "The budget will hold", "a senior official")
    resolve_speakers(_article(TEXT), _people(), [q])
    assert q.speaker_entity is None


def test_two_holders_of_the_office_leave_the_description():
    text = "Sen. Ana Ruiz and Sen. Tomas Welk met.\n\n\"No deal,\" the senator said."
    people = [LocalEntity(1, "Ana Ruiz", "PERSON", [], [_at(text, "Ana Ruiz")]),
              LocalEntity(2, "Tomas Welk", "PERSON", [], [_at(text, "Tomas Welk")])]
    q = _quote(text, "No deal", "the senator")
    resolve_speakers(_article(text), people, [q])
    assert q.speaker_entity is None


def test_a_name_the_tagger_missed_and_a_pronoun_continuation():
    text = ("Finance chief Mira Oduya spoke first.\n\n\"Rates will fall,\" Ms. Oduya said.\n\n"
            "\"Then they will rise again,\" she added.")
    people = [LocalEntity(4, "Mira Oduya", "PERSON", ["Mira Oduya"], [_at(text, "Mira Oduya")])]
    q1 = _quote(text, "Rates will fall", "Ms. Oduya", "q1")
    q2 = _quote(text, "Then they will rise again", "she", "q2")
    resolve_speakers(_article(text), people, [q1, q2])
    assert q1.speaker_entity == 4 and q2.speaker_entity == 4


def test_a_pronoun_far_from_any_named_quote_stays_unresolved():
    text = "\"One,\" Mira Oduya said.\n\na\n\nb\n\nc\n\n\"Two,\" she said."
    people = [LocalEntity(4, "Mira Oduya", "PERSON", [], [_at(text, "Mira Oduya")])]
    q1 = Quote(id="q1", start=0, end=6, kind="direct", speaker_entity=4)
    q2 = _quote(text, "Two", "she", "q2")
    resolve_speakers(_article(text), people, [q1, q2])
    assert q2.speaker_entity is None


def _all_at(text, sub):
    out, i = [], text.find(sub)
    while i >= 0:
        out.append((i, i + len(sub)))
        i = text.find(sub, i + 1)
    return out


def test_among_several_holders_the_qualified_or_the_articles_subject():
    text = ("Rep. Raul Serra (R-Idaho) will run. Rep. Kevin Moll (R-Ohio) leads. Gov. Ana Ruiz met Serra. "
            "Ruiz spoke. Ruiz left. In Kellen, Gov. Tomas Welk signed a similar law.\n\n"
            "\"We wait,\" the Idaho congressman said.\n\n\"We sign,\" the governor said.\n\n\"We stay,\" the Ohio senator said.")
    people = [LocalEntity(1, "Raul Serra", "PERSON", [], _all_at(text, "Raul Serra") + _all_at(text, "Serra")[1:]),
              LocalEntity(2, "Kevin Moll", "PERSON", [], _all_at(text, "Kevin Moll")),
              LocalEntity(3, "Ana Ruiz", "PERSON", [], _all_at(text, "Ana Ruiz") + _all_at(text, "Ruiz")[1:]),
              LocalEntity(4, "Tomas Welk", "PERSON", [], _all_at(text, "Tomas Welk"))]
    qs = [_quote(text, "We wait", "the Idaho congressman", "q1"), _quote(text, "We sign", "the governor", "q2"),
          _quote(text, "We stay", "the Ohio senator", "q3")]
    resolve_speakers(_article(text), people, qs)
    # "Idaho" narrows two representatives to one; three mentions of Ruiz against one of Welk make "the
    # governor" hers; nobody is a senator
    assert [q.speaker_entity for q in qs] == [1, 3, None]


def test_a_body_named_by_its_kind():
    text = ("The Harbour Conference of Pilots wrote to the council. The Kellen Port Authority replied.\n\n"
            "\"The letters stand,\" the conference said.\n\n\"We disagree,\" the committee said.")
    bodies = [LocalEntity(5, "Harbour Conference of Pilots", "ORG", [], _all_at(text, "Harbour Conference of Pilots")),
              LocalEntity(6, "Kellen Port Authority", "ORG", [], _all_at(text, "Kellen Port Authority"))]
    qs = [_quote(text, "The letters stand", "the conference", "q1"), _quote(text, "We disagree", "the committee", "q2")]
    resolve_speakers(_article(text), bodies, qs)
    assert [q.speaker_entity for q in qs] == [5, None]
