"""The command line as users and scripts rely on it: outputs, exit codes, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLE, validated


def run_cli(*args, cwd=None):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "corroborator", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_version_and_help_for_every_subcommand():
    r = run_cli("--version")
    assert r.returncode == 0 and "corroborator" in r.stdout
    for sub in ("analyze", "report", "export", "serve"):
        r = run_cli(sub, "--help")
        assert r.returncode == 0, r.stderr
        assert "usage:" in r.stdout


def test_analyze_writes_the_three_outputs_and_exits_zero(tmp_path):
    out = tmp_path / "out"
    r = run_cli("analyze", EXAMPLE, "--out", out)
    assert r.returncode == 0, r.stderr
    for name in ("ledger.duckdb", "ledger.json", "report.html"):
        assert (out / name).stat().st_size > 0
    data = validated(json.loads((out / "ledger.json").read_text()))
    assert all(i["status"] == "ok" for i in data["run"]["inputs"])
    assert "Traceback" not in r.stderr


def test_missing_path_is_a_usage_error_with_one_line(tmp_path):
    r = run_cli("analyze", tmp_path / "nope", "--out", tmp_path / "o")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "no such file" in r.stderr
    assert not (tmp_path / "o" / "ledger.json").exists()


def test_unknown_option_is_a_usage_error():
    r = run_cli("analyze", "--frobnicate", EXAMPLE)
    assert r.returncode == 2


def test_a_bad_input_fails_alone_with_exit_3(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("The council of Brindlemoor voted on Monday to close the old ferry pier.\n\n"
                                  "Mayor Ottilie Graves said the pier would be demolished in May.\n")
    (src / "empty.txt").write_text("")
    (src / "broken.jsonl").write_text('{"text": "Harbour pilots in Brindlemoor went on strike on Friday."}\nnot json\n')
    r = run_cli("analyze", src, "--out", tmp_path / "out")
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    data = validated(json.loads((tmp_path / "out" / "ledger.json").read_text()))
    status = {pathlib_name(i["path"]): i["status"] for i in data["run"]["inputs"]}
    assert status["good.txt"] == "ok" and status["empty.txt"] == "failed"
    assert status["broken.jsonl#1"] == "ok" and status["broken.jsonl#2"] == "failed"
    assert all(i["reason"] for i in data["run"]["inputs"] if i["status"] != "ok")
    assert len(data["articles"]) == 2


def pathlib_name(p):
    return p.replace("\\", "/").rsplit("/", 1)[-1]


def test_report_command_renders_from_the_store(example_run, tmp_path):
    _, out = example_run
    target = tmp_path / "r.html"
    r = run_cli("report", "--ledger", out / "ledger.duckdb", "--out", target)
    assert r.returncode == 0, r.stderr
    assert "<html" in target.read_text()


def test_report_on_a_missing_store_is_one_clear_error(tmp_path):
    r = run_cli("report", "--ledger", tmp_path / "none.duckdb", "--out", tmp_path / "r.html")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "no ledger store" in r.stderr


@pytest.mark.parametrize("args", [("analyze", EXAMPLE, "--engine", "spark"), ("analyze", EXAMPLE, "--workers", "x")])
def test_bad_option_values_are_usage_errors(args):
    assert run_cli(*args).returncode == 2
