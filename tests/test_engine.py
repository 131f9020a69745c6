"""Engines: the local engine and the Dask engine run the same per-article work and give the same ledger."""
import json
import pathlib
import shutil

import pytest

from corroborator import analyze
from corroborator.engine import LocalEngine, get_engine
from corroborator.errors import UsageError

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "engine"


def _ledger_without_times(out):
    data = json.loads((pathlib.Path(out) / "ledger.json").read_text(encoding="utf-8"))
    data["run"].pop("started")
    data["run"].pop("finished")
    return data


def test_local_engine_maps_in_order_and_lazily():
    pulled = []

    def batches():
        for i in range(5):
            pulled.append(i)
            yield [i, i + 1]

    results = LocalEngine().map_batches(sum, batches())
    assert next(results) == 1
    assert pulled == [0]          # the engine does not read ahead of the work it does
    assert list(results) == [3, 5, 7, 9]


def test_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError):
        get_engine("spark")


def test_dask_engine_bounds_batches_in_flight():
    from corroborator.engine.dask_engine import DaskEngine

    state = {"pulled": 0, "yielded": 0, "max_ahead": 0}

    def batches():
        for i in range(12):
            state["pulled"] += 1
            state["max_ahead"] = max(state["max_ahead"], state["pulled"] - state["yielded"])
            yield list(range(i, i + 3))

    eng = DaskEngine(workers=1, in_flight=2)
    try:
        out = []
        for r in eng.map_batches(sum, batches()):
            state["yielded"] += 1
            out.append(r)
    finally:
        eng.close()
    assert sorted(out) == sorted(3 * i + 3 for i in range(12))
    assert state["max_ahead"] <= 3        # 2 in flight + the one being submitted as one is consumed


def test_dask_two_workers_gives_the_local_ledger(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(FIXTURES, inputs)
    analyze([inputs], out=tmp_path / "local", engine="local", batch_size=1, write_report=False)
    analyze([inputs], out=tmp_path / "dask", engine="dask", workers=2, batch_size=1, write_report=False)
    local, dask = _ledger_without_times(tmp_path / "local"), _ledger_without_times(tmp_path / "dask")
    assert len(local["articles"]) == 4
    assert local["claims"], "the fixture articles should yield claims"
    assert dask == local


def test_cli_runs_on_an_existing_dask_scheduler_and_gives_the_local_ledger(tmp_path):
    import os
    import subprocess
    import sys

    from distributed import LocalCluster

    inputs = tmp_path / "in"
    shutil.copytree(FIXTURES, inputs)
    analyze([inputs], out=tmp_path / "local", engine="local", write_report=False)
    # a cluster the user started elsewhere: corroborator connects to it and leaves it running
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        r = subprocess.run([sys.executable, "-m", "corroborator", "analyze", str(inputs), "--out",
                            str(tmp_path / "remote"), "--engine", "dask", "--scheduler", cluster.scheduler_address],
                           capture_output=True, text=True, env=env, timeout=600)
        assert r.returncode == 0, r.stderr
        assert len(cluster.scheduler_info["workers"]) == 2      # still up after the run
    assert _ledger_without_times(tmp_path / "remote") == _ledger_without_times(tmp_path / "local")


def test_local_engine_overlaps_finish_in_order_with_one_batch_in_flight():
    import threading
    import time

    state = {"pulled": 0, "finished": 0, "max_ahead": 0, "threads": set()}

    def batches():
        for i in range(6):
            state["pulled"] += 1
            # never more than: one batch being analysed, one in the background, one being consumed
            state["max_ahead"] = max(state["max_ahead"], state["pulled"] - state["finished"])
            yield [i, i + 1]

    def first(batch):
        return sum(batch)

    def finish(total):
        state["threads"].add(threading.get_ident())
        time.sleep(0.01 * (total % 3))        # finishes take uneven times: order must still hold
        return total * 10

    out = []
    for r in LocalEngine().map_batches(first, batches(), finish=finish):
        state["finished"] += 1
        out.append(r)
    assert out == [10 * (2 * i + 1) for i in range(6)]
    assert state["max_ahead"] <= 2
    assert threading.get_ident() not in state["threads"]     # finish ran in the background


def test_local_engine_finish_error_propagates():
    def finish(x):
        if x == 2:
            raise ValueError("boom")
        return x

    with pytest.raises(ValueError):
        list(LocalEngine().map_batches(lambda b: b[0], iter([[1], [2], [3]]), finish=finish))


def test_overlapped_local_engine_gives_the_sequential_ledger(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    shutil.copytree(FIXTURES, inputs)
    from corroborator import pipeline

    pipeline._EMBED_CACHE.clear()
    analyze([inputs], out=tmp_path / "overlap", batch_size=1, write_report=False)
    monkeypatch.setattr(LocalEngine, "overlap", False)
    pipeline._EMBED_CACHE.clear()
    analyze([inputs], out=tmp_path / "sequential", batch_size=1, write_report=False)
    overlap, sequential = _ledger_without_times(tmp_path / "overlap"), _ledger_without_times(tmp_path / "sequential")
    assert overlap["claims"]
    assert overlap == sequential


def _varied_corpus(path, copies=10):
    """A JSONL of ``4 * copies`` distinct articles: each fixture with a paragraph of its own."""
    recs = []
    for n in range(copies):
        for txt in sorted(FIXTURES.glob("*.txt")):
            meta = json.loads(txt.with_suffix(".meta.json").read_text(encoding="utf-8"))
            body = txt.read_text(encoding="utf-8")
            extra = (f"\n\nIn a separate notice, the port authority said {n + 3} ferries would run on "
                     f"route {n + 11} from Monday.")
            recs.append({"text": body + extra, "outlet": f"{meta.get('outlet', txt.stem)} {n}",
                         "published": meta.get("published"), "url": f"https://example.org/{txt.stem}/{n}"})
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return len(recs)


def test_local_engine_spreads_a_big_run_over_processes_with_the_same_ledger(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    n = _varied_corpus(corpus)
    assert n >= LocalEngine.min_docs_for_processes
    timings = {}
    analyze([corpus], out=tmp_path / "one", workers=1, batch_size=4, write_report=False)
    analyze([corpus], out=tmp_path / "two", workers=2, batch_size=4, write_report=False, timings=timings)
    one, two = _ledger_without_times(tmp_path / "one"), _ledger_without_times(tmp_path / "two")
    assert len(one["articles"]) == n and one["claim_groups"]
    assert two == one
    # the per-article stages ran in the workers, and their seconds came back
    assert timings["annotate"] > 0 and timings["embed"] > 0 and timings["n_analysed"] == n


def test_local_engine_uses_processes_only_for_big_runs():
    eng = LocalEngine(workers=2)
    try:
        # a small run stays here: ``remote`` is never called, ``func`` is
        out = list(eng.map_batches(lambda b: ("here", sum(b)), [[1, 2], [3]], remote=_remote_sum))
        assert out == [("here", 3), ("here", 3)] and not eng.used_processes
        assert eng.map_on_workers(_remote_sum, [[1]]) is None       # no workers: the caller works itself
        big = [[i] * 8 for i in range(6)]          # 48 documents in 6 batches
        out = list(eng.map_batches(lambda b: ("here", sum(b)), big, remote=_remote_sum))
        assert out == [("remote", 8 * i) for i in range(6)] and eng.used_processes
        # the workers stay up for later work of the run (claim embedding at link time), results in order
        assert eng.map_on_workers(_remote_sum, [[1, 2], [3], [4, 5, 6]]) == [("remote", 3), ("remote", 3),
                                                                             ("remote", 15)]
    finally:
        eng.close()


def _remote_sum(batch):
    return ("remote", sum(batch))


def _children(pid):
    out = set()
    for task in pathlib.Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.update(int(x) for x in (task / "children").read_text().split())
        except OSError:
            pass
    return out


def _alive(pid):
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not pathlib.Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_worker_processes_end_when_their_run_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    corpus = tmp_path / "corpus.jsonl"
    _varied_corpus(corpus, copies=12)
    p = subprocess.Popen([sys.executable, "-m", "corroborator", "analyze", str(corpus), "--out", str(tmp_path / "o"),
                          "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers, deadline = set(), time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None and len(workers) < 2:
        workers = {c for c in _children(p.pid) if "spawn" in pathlib.Path(f"/proc/{c}/cmdline").read_text(errors="replace")} \
            if _alive(p.pid) else set()
        time.sleep(0.2)
    assert len(workers) >= 2, "the run should have started its worker processes"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    deadline = time.monotonic() + 45      # a worker still loading its models on a busy machine notices late
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, "worker processes outlived the run that started them"


def _dies_in_a_worker(batch):
    import multiprocessing
    import os

    if 3 in batch and multiprocessing.parent_process() is not None:
        os._exit(1)                       # a worker killed mid-batch (out of memory, a crash)
    return ("done", sum(batch))


def test_a_dead_worker_does_not_lose_batches():
    eng = LocalEngine(workers=2)
    try:
        batches = [[i] * 8 for i in range(6)]     # 48 documents: worker processes; batch 3 kills its worker
        out = list(eng.map_batches(lambda b: ("here", sum(b)), batches, remote=_dies_in_a_worker))
    finally:
        eng.close()
    assert out == [("done", 8 * i) for i in range(6)]      # every batch, in order, the lost one redone here
    assert eng.map_on_workers(_dies_in_a_worker, [[1]]) is None
