"""The declared configuration: every tuning constant, per stage, with its meaning and the evaluation that set it.

``default_config.toml`` (shipped beside this module) declares each key as
``key = {value = ..., meaning = "...", set_by = "..."}`` under a section named after the module that uses
it: ``[clean.lines] gap_max`` is ``corroborator.clean.lines.GAP_MAX``. The modules take their constants from
here when they are imported (``section``); a run with overrides sets them for its duration (``applied``),
in this process and, through ``Configured``, in every worker process that runs a batch.

    resolve(overrides) -> {section: {key: value}}     the defaults with a dict or TOML file laid over them
    per_article(resolved)                              the clean / annotate / extract part (hashed into doc_key)
    applied(resolved)                                  context manager: module constants set, then restored

This module is a leaf: it imports nothing of corroborator but ``errors``.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import json
import pathlib
import tomllib
from functools import lru_cache

from .errors import UsageError

DEFAULT_PATH = pathlib.Path(__file__).with_name("default_config.toml")
PER_ARTICLE_STAGES = ("clean", "annotate", "extract")     # a section's stage is its first name
_FIELDS = ("value", "meaning", "set_by")


@lru_cache(maxsize=1)
def declared() -> dict:
    """``{section: {key: {"value", "meaning", "set_by"}}}`` as shipped (do not mutate)."""
    raw = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    out = {}

    def walk(name, table):
        for key, item in table.items():
            if isinstance(item, dict) and "value" in item:
                out.setdefault(name, {})[key] = item
            elif isinstance(item, dict):
                walk(f"{name}.{key}" if name else key, item)
    walk("", raw)
    return out


def defaults() -> dict:
    """``{section: {key: value}}``: the shipped values."""
    return {sec: {k: copy.deepcopy(item["value"]) for k, item in keys.items()} for sec, keys in declared().items()}


def _module_value(v):
    return tuple(v) if isinstance(v, list) else v      # module constants hold tuples, TOML gives lists


def section(name: str) -> dict:
    """The shipped values of one section, as module constants hold them (lists as tuples)."""
    return {k: _module_value(item["value"]) for k, item in declared()[name].items()}


def _check_value(where: str, default, value):
    """``value`` as the type of ``default`` (an int where a float is declared is taken), or a UsageError."""
    def kind(v):
        return "a list" if isinstance(v, list) else type(v).__name__
    if isinstance(default, bool) or isinstance(value, bool):
        if type(value) is not type(default):
            raise UsageError(f"configuration key {where}: expected {kind(default)}, got {value!r}")
        return value
    if isinstance(default, float) and isinstance(value, (int, float)):
        return float(value)
    if isinstance(default, int) and isinstance(value, int):
        return value
    if isinstance(default, str) and isinstance(value, str):
        return value
    if isinstance(default, list) and isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        return list(value)
    raise UsageError(f"configuration key {where}: expected {kind(default)} like {default!r}, got {value!r}")


def _flatten(overrides, prefix="") -> dict:
    """``{"link.claims": {...}}``, ``{"link": {"claims": {...}}}`` or ``{"link.claims.threshold": v}`` as
    ``{dotted key: value}``."""
    flat = {}
    for k, v in overrides.items():
        name = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict):
            flat.update(_flatten(v, name))
        else:
            flat[name] = v
    return flat


def load_overrides(config) -> dict:
    """The overrides given as a dict, or as the path of a TOML file holding only the keys to change."""
    if config is None:
        return {}
    if isinstance(config, dict):
        return config
    path = pathlib.Path(config)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the configuration file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"configuration file {path} is not valid TOML: {exc}") from exc


def resolve(config=None) -> dict:
    """The configuration a run uses: the defaults with ``config`` (a dict, a TOML path, or None) laid over.

    Raises ``UsageError`` naming the key for an unknown key or a value of the wrong type."""
    resolved = defaults()
    for dotted, value in _flatten(load_overrides(config)).items():
        sec, _, key = dotted.rpartition(".")
        if sec not in resolved or key not in resolved[sec]:
            known = ", ".join(sorted(resolved))
            raise UsageError(f"unknown configuration key {dotted!r} (sections: {known}; "
                             f"see corroborator/default_config.toml)")
        resolved[sec][key] = _check_value(dotted, resolved[sec][key], value)
    return resolved


def per_article(resolved: dict) -> dict:
    """The part of ``resolved`` that the per-article stages read (it decides a stored analysis)."""
    return {sec: keys for sec, keys in resolved.items() if sec.split(".")[0] in PER_ARTICLE_STAGES}


def current(sections=None) -> dict:
    """The values the modules hold now (in this process), ``{section: {key: value}}``, for ``sections`` (default:
    every declared one); lists as in ``resolve``, so that ``digest`` agrees with it."""
    out = {}
    for sec, keys in declared().items():
        if sections is None or sec in sections:
            mod = _module(sec)
            out[sec] = {k: (list(v) if isinstance(v, tuple) else v)
                        for k in keys for v in [getattr(mod, k.upper())]}
    return out


def article_digest() -> str:
    """The digest of the per-article part of the configuration this process runs under (see ``doc_key``)."""
    return digest(current([sec for sec in declared() if sec.split(".")[0] in PER_ARTICLE_STAGES]))


def digest(part: dict) -> str:
    """A stable sha256 of a (part of a) resolved configuration."""
    return hashlib.sha256(json.dumps(part, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _module(sec: str):
    return importlib.import_module(f"{__package__}.{sec}")


@contextlib.contextmanager
def applied(resolved: dict | None):
    """Set the module constants of ``resolved`` for the duration of the block; the previous ones after."""
    if not resolved:
        yield
        return
    saved = []
    try:
        for sec, keys in resolved.items():
            mod = _module(sec)
            for key, value in keys.items():
                name = key.upper()
                saved.append((mod, name, getattr(mod, name)))
                setattr(mod, name, _module_value(value))
        yield
    finally:
        for mod, name, old in reversed(saved):
            setattr(mod, name, old)


def apply(resolved: dict) -> None:
    """Set the module constants of ``resolved`` in this process, for good (a worker process of one run)."""
    for sec, keys in resolved.items():
        mod = _module(sec)
        for key, value in keys.items():
            setattr(mod, key.upper(), _module_value(value))


class Configured:
    """A picklable ``func`` that runs under a resolved configuration (for worker processes and Dask workers,
    which import the modules afresh and would otherwise see only the defaults). The constants are set before
    each call and left set: a worker runs the batches of one run, and setting them again is cheap and safe
    with several threads (each sets the same values)."""

    def __init__(self, func, resolved: dict):
        self.func, self.resolved = func, resolved
        self.__name__ = getattr(func, "__name__", "configured")

    def __call__(self, *args, **kwargs):
        apply(self.resolved)
        return self.func(*args, **kwargs)
