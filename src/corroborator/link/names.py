"""Name keys for merging entities across articles and stories: the forms one name takes in different texts
made equal before they are compared.

- tokenised text ("U. S.", "Wednesday 's", "Gov.Sarah Palin") is put back together;
- dotted and undotted initials are one token ("U.S." / "US", "F.B.I." / "FBI");
- possessives go ("Smith's", "Williams'"), and so do a person's leading titles ("Sgt.", "Rep.", "Mr.");
- an acronym form ("FBI", "N.R.A.") is recognised as such, so that it can meet the name it abbreviates.

Plain string work over ``extract.entities_names``; nothing here knows about entities or stories.
"""
from __future__ import annotations

import re

from ..extract.entities_names import ORG_WORDS, acronym_of, content_tokens

_SPACED_INITIALS = re.compile(r"\b([A-Z])\s*\.\s+(?=[A-Z]\s*\.)")   # "U. S." -> "U.S."
_DOT_INITIAL = re.compile(r"\b([A-Z])\s+\.")                         # "U .S ." (a tokeniser's) -> "U.S."
_GLUED = re.compile(r"(?<=[a-z])\.(?=[A-Z][a-z])")                   # "Gov.Sarah" -> "Gov. Sarah"
_POSSESSIVE = re.compile(r"\s*['’]\s*s\b|(?<=s)['’](?=\s|$)")        # "Smith 's", "Smith's", "Williams'"
_ACRONYM_SURFACE = re.compile(r"^(?:[A-Z]\.\s*){2,6}$|^[A-Z][A-Z&]{1,5}$")


def tidy(name: str) -> str:
    """``name`` with a tokeniser's spaces taken out of initials and possessives, and glued titles parted."""
    s = _DOT_INITIAL.sub(r"\1.", name)
    s = _SPACED_INITIALS.sub(r"\1.", s)
    s = _GLUED.sub(". ", s)
    s = _POSSESSIVE.sub("", s)
    return " ".join(s.split())


def _undot(t: str) -> str:
    return t.replace(".", "") if re.fullmatch(r"(?:\w\.)+\w?\.?", t) else t


def name_key(name: str, person: bool = False) -> tuple:
    """The content tokens of ``name`` after ``tidy`` (see ``content_tokens``), dotted initials undotted
    ("U.S." -> "us"); a run of single letters that makes the whole name ("U S") is one token."""
    toks = [_undot(t) for t in content_tokens(tidy(name), person=person)]
    toks = [t for t in toks if t]
    if len(toks) >= 2 and all(len(t) == 1 for t in toks):
        toks = ["".join(toks)]
    return tuple(toks)


def acronym_form(name: str):
    """The acronym ``name`` is written as ("FBI", "F.B.I.", "U. S." -> "fbi", "us"), or None when it is not one."""
    s = tidy(name).strip()
    if s.upper().startswith("THE "):
        s = s[4:]
    if not _ACRONYM_SURFACE.match(s):
        return None
    ac = re.sub(r"[^A-Za-z]", "", s).lower()
    return ac if 2 <= len(ac) <= 6 else None


def acronyms_of_key(key: tuple) -> set:
    """The acronyms a multi-word name (a key of ``name_key``) may be written as: its initials, with and
    without function words ("Federal Bureau of Investigation" -> {"fbi", "fboi"})."""
    return acronym_of(" ".join(key)) if len(key) >= 2 else set()


def is_orgish(key: tuple) -> bool:
    """Whether a name key holds a word that makes it an organisation ("Walt Disney Company")."""
    return any(t in ORG_WORDS for t in key)
