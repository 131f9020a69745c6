"""The declared configuration: documented keys, overrides that act, the analysis key, the run record."""
import hashlib
import importlib
import multiprocessing
import pathlib
from concurrent.futures import ProcessPoolExecutor

import pytest

from corroborator import analyze, config
from corroborator.errors import ModelError, UsageError
from corroborator.pipeline import doc_key
from corroborator.records import InputDoc

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_every_key_is_documented_and_is_a_constant_of_its_module():
    declared = config.declared()
    assert {"clean.lines", "link.claims", "link.stories", "link.samefact"} <= set(declared)
    # link.claims: the issue counted 18 constants; two (threshold_one_way, clear_margin) died with the old linker
    assert len(declared["link.claims"]) >= 17 and len(declared["link.stories"]) >= 12
    for sec, keys in declared.items():
        mod = importlib.import_module(f"corroborator.{sec}")
        for key, item in keys.items():
            assert set(item) == {"value", "meaning", "set_by"}, f"{sec}.{key}: value, meaning and set_by"
            assert item["meaning"].strip() and item["set_by"].strip(), f"{sec}.{key} is undocumented"
            assert hasattr(mod, key.upper()), f"{sec}.{key}: no constant {key.upper()} in {mod.__name__}"
            v = item["value"]
            assert getattr(mod, key.upper()) == (tuple(v) if isinstance(v, list) else v), f"{sec}.{key}"


def test_the_model_file_is_pinned_by_its_digest(tmp_path, monkeypatch):
    from corroborator.link import samefact

    pinned = config.declared()["link.samefact"]["model_sha256"]["value"]
    assert hashlib.sha256(samefact.MODEL_PATH.read_bytes()).hexdigest() == pinned
    changed = tmp_path / "model.json"
    changed.write_bytes(samefact.MODEL_PATH.read_bytes() + b"\n")
    monkeypatch.setattr(samefact, "MODEL", str(changed))
    with pytest.raises(ModelError, match="model_sha256"):
        samefact.model()


def test_unknown_key_and_wrong_type_are_usage_errors_naming_the_key(tmp_path):
    with pytest.raises(UsageError, match="link.claims.no_such_knob"):
        config.resolve({"link.claims": {"no_such_knob": 1}})
    with pytest.raises(UsageError, match="nosuch.section.x"):
        config.resolve({"nosuch.section": {"x": 1}})
    with pytest.raises(UsageError, match="link.stories.pair_threshold"):
        config.resolve({"link": {"stories": {"pair_threshold": "high"}}})
    with pytest.raises(UsageError, match="link.claims.max_per_article"):
        config.resolve({"link.claims": {"max_per_article": 2.5}})
    bad = tmp_path / "bad.toml"
    bad.write_text("[link.claims]\nmax_per_article = \n", encoding="utf-8")
    with pytest.raises(UsageError, match="not valid TOML"):
        config.resolve(bad)
    # a TOML file, nested or dotted, and an int where a float is declared
    good = tmp_path / "good.toml"
    good.write_text("[link.stories]\npair_threshold = 1\n", encoding="utf-8")
    assert config.resolve(good)["link.stories"]["pair_threshold"] == 1.0


def test_applied_sets_and_restores_module_constants():
    from corroborator.clean import lines
    from corroborator.link import claims

    resolved = config.resolve({"link.claims": {"max_per_article": 1}, "clean.lines": {"gap_exempt": ["caption"]}})
    with config.applied(resolved):
        assert claims.MAX_PER_ARTICLE == 1 and lines.GAP_EXEMPT == ("caption",)
    assert claims.MAX_PER_ARTICLE == 3 and lines.GAP_EXEMPT == ("caption", "caption_credit")


def test_worker_processes_get_the_run_configuration():
    resolved = config.resolve({"clean.lines": {"gap_step": 9.0}})
    ctx = multiprocessing.get_context("spawn")      # as the local engine starts its workers
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        plain = pool.submit(config.current, ["clean.lines"]).result()
        seen = pool.submit(config.Configured(config.current, resolved), ["clean.lines"]).result()
    assert plain["clean.lines"]["gap_step"] == 4.0
    assert seen["clean.lines"]["gap_step"] == 9.0


def test_per_article_values_change_the_analysis_key_link_values_do_not():
    doc = InputDoc(path="a.txt", kind="text", content="Some text.")
    base = doc_key(doc)
    with config.applied(config.resolve({"link.claims": {"max_per_article": 1},
                                        "link.stories": {"pair_threshold": 0.9}})):
        assert doc_key(doc) == base
    with config.applied(config.resolve({"clean.lines": {"gap_free": 5}})):
        assert doc_key(doc) != base
    assert doc_key(doc) == base


def _groups(ledger):
    return sorted(sorted(g["claims"]) for g in ledger.claim_groups)


def test_default_run_records_its_configuration_and_an_override_changes_the_groups(tmp_path):
    led = analyze([EXAMPLES], out=tmp_path / "a", write_report=False)
    assert led.run["config"] == config.defaults()
    multi = [g for g in _groups(led) if len(g) > 1]
    assert multi, "the example story has claims stated by several outlets"
    # a link value: linked claims need a same-story edge that no pair of articles reaches
    strict = analyze([EXAMPLES], out=tmp_path / "a", write_report=False,
                     config={"link.stories": {"pair_threshold": 5.0, "words_pair_threshold": 5.0}})
    assert strict.run["config"]["link.stories"]["pair_threshold"] == 5.0
    assert len(strict.stories) > len(led.stories)
    assert _groups(strict) != _groups(led)
    assert all(len(g) == 1 for g in _groups(strict))
    # and the defaults are back for the next run: the same ledger as the first
    again = analyze([EXAMPLES], out=tmp_path / "a", write_report=False)
    assert _groups(again) == _groups(led) and again.run["config"] == led.run["config"]
