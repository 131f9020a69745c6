"""kill -9 during ``analyze``, then rerun: the ledger equals an uninterrupted run's; nothing lost or doubled.

DuckDB holds an exclusive file lock while ``analyze`` writes, so the store cannot be polled from outside
during the run; kill moments are timed instead, as fractions of the uninterrupted run measured from the moment
``ledger.duckdb`` appears. After each kill, a *copy* of the store (with its WAL) is opened to check that it
replays and to see how far the run had got, then the run is repeated over the real folder to completion.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

import hostile_corpus
from conftest import validated

N_ARTICLES = 30


def _cmd(src, out):
    return [sys.executable, "-m", "corroborator", "analyze", str(src), "--out", str(out)]


def _env():
    return {**os.environ, "PYTHONWARNINGS": "ignore"}


def _comparable(data: dict) -> dict:
    """The ledger without what legitimately differs between runs (the run's timestamps)."""
    d = json.loads(json.dumps(data))
    d["run"].pop("started", None)
    d["run"].pop("finished", None)
    return d


def _timed_reference(src, out):
    """An uninterrupted run: (ledger, seconds until the store file appeared, seconds in all)."""
    t0 = time.monotonic()
    p = subprocess.Popen(_cmd(src, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    t_store = None
    while p.poll() is None:
        if t_store is None and (out / "ledger.duckdb").exists():
            t_store = time.monotonic() - t0
        time.sleep(0.01)
    total = time.monotonic() - t0
    err = p.stderr.read().decode()
    assert p.returncode == 0, err
    return json.loads((out / "ledger.json").read_text()), (t_store or 0.0), total


def _stored_analyses(out, scratch) -> int | None:
    """How many analyses a killed run left committed (on a copy of the store, WAL included)."""
    import duckdb
    db = out / "ledger.duckdb"
    if not db.exists():
        return None
    scratch.mkdir(parents=True, exist_ok=True)
    for f in out.iterdir():
        if f.name.startswith("ledger.duckdb") and f.is_file():   # not DuckDB's spill folder (.tmp)
            shutil.copy2(f, scratch / f.name)
    con = duckdb.connect(str(scratch / "ledger.duckdb"))     # replays the WAL, as the rerun will
    try:
        return con.execute("SELECT count(*) FROM analyses").fetchone()[0]
    except duckdb.CatalogException:
        return 0        # killed after the file appeared but before the tables were committed
    finally:
        con.close()
        shutil.rmtree(scratch)


def _kill_at(src, out, at_seconds: float):
    """Start ``analyze`` and SIGKILL it ``at_seconds`` after its store appears; True when it was killed."""
    p = subprocess.Popen(_cmd(src, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    deadline_store = time.monotonic() + 120
    while p.poll() is None and not (out / "ledger.duckdb").exists() and time.monotonic() < deadline_store:
        time.sleep(0.005)
    t_kill = time.monotonic() + at_seconds
    while p.poll() is None and time.monotonic() < t_kill:
        time.sleep(0.005)
    killed = p.poll() is None
    if killed:
        os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    return killed


def _check_same_as_reference(reference: dict, data: dict):
    validated(data)
    assert len({a["id"] for a in data["articles"]}) == len(data["articles"]), "duplicate articles"
    assert len({c["id"] for c in data["claims"]}) == len(data["claims"]), "duplicate claims"
    assert len({i["path"] for i in data["run"]["inputs"]}) == len(data["run"]["inputs"]), "an input listed twice"
    ok = [i for i in data["run"]["inputs"] if i["status"] == "ok"]
    assert len(ok) == N_ARTICLES and len(data["articles"]) == N_ARTICLES, "an article was lost"
    ref, got = _comparable(reference), _comparable(data)
    for table in ("run", "articles", "entities", "quotes", "claims", "stories", "claim_groups", "timeline"):
        assert got[table] == ref[table], f"{table} differs from the uninterrupted run"
    assert got == ref


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    src = base / "articles"
    hostile_corpus.write_articles(src, N_ARTICLES, seed=11)
    # timed on a second, warm run: the first one also warms the disk cache and, on a fresh machine, makes the
    # embedder's converted model, and timings that long would put the late kills after the run's end
    _timed_reference(src, base / "warm-up")
    reference, t_store, total = _timed_reference(src, base / "reference")
    assert len(reference["articles"]) == N_ARTICLES
    return base, src, reference, t_store, total


def _kill_rerun_compare(corpus, fractions, name):
    base, src, reference, t_store, total = corpus
    span = max(total - t_store, 0.5)
    report = []
    for k, frac in enumerate(fractions):
        out = base / f"{name}-{k}"
        killed = _kill_at(src, out, frac * span)
        left = _stored_analyses(out, base / f"{name}-{k}-copy") if killed else None
        report.append((frac, killed, left))
        r = subprocess.run(_cmd(src, out), capture_output=True, text=True, env=_env(), timeout=600)
        assert r.returncode == 0, f"rerun after kill at {frac:.0%} failed: {r.stderr[-2000:]}"
        assert "Traceback" not in r.stderr
        _check_same_as_reference(reference, json.loads((out / "ledger.json").read_text()))
    # the kills must really have interrupted work at different stages, or the test proves nothing
    assert sum(1 for _, killed, _ in report if killed) >= max(1, len(fractions) - 1), report
    return report


def test_kill_9_then_rerun_gives_the_uninterrupted_ledger(corpus):
    """Killed just after the store appears, half-way, and near the end (three runs)."""
    report = _kill_rerun_compare(corpus, [0.02, 0.7, 0.9], "kill")
    print("kill moments (fraction, killed, analyses committed at the kill):", report)


def test_rerun_of_a_finished_run_changes_nothing(corpus):
    base, src, reference, *_ = corpus
    out = base / "reference"                      # the finished reference run, run again in place
    r = subprocess.run(_cmd(src, out), capture_output=True, text=True, env=_env(), timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    _check_same_as_reference(reference, json.loads((out / "ledger.json").read_text()))


@pytest.mark.slow
@pytest.mark.parametrize("repeat", range(3))
def test_kill_9_repeatedly_at_many_moments(corpus, repeat):
    """Kill at ten moments (shifted per repeat), each followed by a rerun; and kill the rerun too."""
    fractions = [min(0.98, (i + 0.3 * repeat) / 10) for i in range(10)]
    _kill_rerun_compare(corpus, fractions, f"many{repeat}")
    # two kills in a row on the same folder, then a rerun
    base, src, reference, t_store, total = corpus
    out = base / f"double{repeat}"
    span = max(total - t_store, 0.5)
    _kill_at(src, out, 0.4 * span)
    _kill_at(src, out, 0.3 * span)
    r = subprocess.run(_cmd(src, out), capture_output=True, text=True, env=_env(), timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    _check_same_as_reference(reference, json.loads((out / "ledger.json").read_text()))
