"""annotate: the only stage that touches NLP models. Out come plain records (``Annotation``, vectors)."""
from .spacy_annotator import annotate, annotate_many, load_nlp
from .embed import embed_texts, EMBED_DIM

__all__ = ["annotate", "annotate_many", "load_nlp", "embed_texts", "EMBED_DIM"]
