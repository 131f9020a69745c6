"""The server under concurrent load and slow requests: a short load smoke test (10 clients for 10 s over
every page and API endpoint with every filter: no errors), and requests bounded in time (one that cannot
finish answers 503 with Retry-After and never holds up the others). The full load run is bench/load_api.py."""
from __future__ import annotations

import asyncio
import importlib.util
import threading
import time

import pytest

from conftest import ROOT
from test_serve import write_store


def _bench():
    spec = importlib.util.spec_from_file_location("load_api", ROOT / "bench" / "load_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ten_clients_for_ten_seconds_without_an_error(tmp_path):
    bench = _bench()
    ledger = bench.synthetic_ledger(200)
    path = write_store(tmp_path / "ledger.duckdb", ledger)
    server, port = bench.start_server(path)
    try:
        result = asyncio.run(bench.run_load("127.0.0.1", port, bench.ids_of_ledger(ledger), clients=10,
                                            duration=10))
    finally:
        bench.stop_server(server)
    bench.print_table(result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] > 100
    assert len(result["endpoints"]) == 24          # every page and every API endpoint was asked for
    assert result["p95_ms"] < 5000                  # the server's time limit


def _slow_query(self, *args, **kwargs):
    """A query that would run for hours (the store's time limit must stop it)."""
    self._q("SELECT count(*) FROM range(1000000000000) a")


@pytest.fixture
def slow_app(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from corroborator.serve.app import create_app
    from corroborator.store.reader import LedgerReader
    monkeypatch.setattr(LedgerReader, "story_summaries", _slow_query)
    app = create_app(write_store(tmp_path / "ledger.duckdb"), workers=1, timeout=0.5)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_a_request_that_cannot_finish_answers_503_with_retry_after(slow_app):
    t0 = time.perf_counter()
    r = slow_app.get("/api/stories")
    assert time.perf_counter() - t0 < 5
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert r.json()["error"]["status"] == 503
    page = slow_app.get("/")                    # a web page that cannot finish: an HTML 503
    assert page.status_code == 503 and page.headers["retry-after"] and "text/html" in page.headers["content-type"]


def test_a_slow_request_does_not_hold_up_the_others(slow_app):
    # one worker thread: the slow query holds it until its time runs out and its query is interrupted
    answers = {}
    slow = threading.Thread(target=lambda: answers.setdefault("slow", slow_app.get("/api/stories")))
    slow.start()
    time.sleep(0.1)
    t0 = time.perf_counter()
    fast = [slow_app.get("/api/claims?limit=5") for _ in range(5)]
    slow.join(10)
    assert answers["slow"].status_code == 503
    assert [r.status_code for r in fast] == [200] * 5
    assert time.perf_counter() - t0 < 3


def test_requests_waiting_past_their_time_answer_503_and_never_run(tmp_path):
    from corroborator.serve.workers import Busy, WorkerPool

    pool = WorkerPool(workers=1, timeout=0.3)
    ran = []

    async def main():
        blocker = asyncio.ensure_future(pool.run(time.sleep, 1.0))      # Python that cannot be interrupted
        await asyncio.sleep(0.05)
        waiting = [asyncio.ensure_future(pool.run(ran.append, i)) for i in range(3)]
        results = await asyncio.gather(blocker, *waiting, return_exceptions=True)
        return results

    results = asyncio.run(main())
    assert all(isinstance(r, Busy) for r in results)
    time.sleep(1.0)
    assert ran == []                             # given up before they started: never run
    pool.shutdown()


def test_serve_refuses_fewer_than_one_worker(tmp_path, capsys):
    from corroborator.cli import EXIT_USAGE, main
    assert main(["serve", "--ledger", str(tmp_path / "ledger.duckdb"), "--workers", "0"]) == EXIT_USAGE
    assert "--workers" in capsys.readouterr().err
