"""The evaluation gate (eval/_gate.py) and eval/run_all.py, on invented figures and folders: no ../shared needed."""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

EVAL = pathlib.Path(__file__).resolve().parent.parent / "eval"
sys.path.insert(0, str(EVAL))

import _gate  # noqa: E402
from _gate import Gate, data_digest, judge, update_floors  # noqa: E402

# the evaluations moved to the gate; run_all.SCRIPTS may list more that are not written yet
GATED = ["seeds_eval.py", "extraction.py", "polnear_eval.py", "ecbplus_eval.py", "basil_eval.py",
         "time_eval.py", "numbers_eval.py", "alignment_eval.py"]


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.json").write_text('{"x": 1}', encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text("some text", encoding="utf-8")
    return folder


def make_gate(tmp_path, data, lines, status=None, monkeypatch=None, **kw):
    if status is not None:
        monkeypatch.setenv(_gate.STATUS_ENV, str(status))
    return Gate("demo", [data], floors_dir=tmp_path / "floors", out=lines.append, **kw)


def write_floors(tmp_path, floors, digest=None):
    doc = {"floors": floors} | ({"data_digest": digest} if digest else {})
    (tmp_path / "floors").mkdir(exist_ok=True)
    (tmp_path / "floors" / "demo.json").write_text(json.dumps(doc), encoding="utf-8")


def read_floors(tmp_path):
    return json.loads((tmp_path / "floors" / "demo.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- judging
def test_missing_figure_fails():
    assert judge({"f1": 0.5}, {}) == ["MISSING: f1: no figure measured (floor 0.5)"]
    assert judge({"f1": 0.5}, {"f1": None})
    assert judge({"f1": 0.5}, {"f1": float("nan")})
    assert judge({"ok": True}, {})


def test_below_floor_fails_and_at_floor_passes():
    assert judge({"f1": 0.5}, {"f1": 0.4999}) == ["BELOW FLOOR: f1 = 0.4999 < floor 0.5"]
    assert judge({"f1": 0.5}, {"f1": 0.5}) == []
    assert judge({"f1": 0.3}, {"f1": 0.1 + 0.2}) == []        # float noise at the floor passes
    assert judge({"f1": 0.5}, {"f1": 0.9, "free": 0.0}) == []  # a figure without a floor is free


def test_boolean_floor():
    assert judge({"above_baseline": True}, {"above_baseline": False})
    assert judge({"above_baseline": True}, {"above_baseline": True}) == []
    assert judge({"above_baseline": False}, {"above_baseline": False}) == []


def test_check_exit_status_and_status_file(tmp_path, data, monkeypatch):
    write_floors(tmp_path, {"f1": 0.5, "p": 0.5}, data_digest([data])[0])
    lines, status = [], tmp_path / "status.json"
    gate = make_gate(tmp_path, data, lines, status, monkeypatch, check=True)
    assert gate.finish({"f1": 0.6}) == 1
    verdict = json.loads(status.read_text(encoding="utf-8"))
    assert verdict["status"] == "failed" and verdict["failures"] == ["MISSING: p: no figure measured (floor 0.5)"]
    assert any("FAILED" in line for line in lines)
    assert gate.finish({"f1": 0.5, "p": 0.7}) == 0
    assert json.loads(status.read_text(encoding="utf-8"))["status"] == "passed"
    # without --check the verdict is still FAILED, but the exit status is 0
    lines.clear()
    assert make_gate(tmp_path, data, lines).finish({"f1": 0.1, "p": 0.7}) == 0
    assert any("FAILED" in line and "not gating" in line for line in lines)


def test_no_floors_file_fails_with_check(tmp_path, data):
    lines = []
    assert make_gate(tmp_path, data, lines, check=True).finish({"f1": 0.6}) == 1
    assert any("no floors file" in line for line in lines)


# ---------------------------------------------------------------- SKIPPED and sampled runs
def test_absent_data_is_skipped_never_passed(tmp_path, monkeypatch):
    lines, status = [], tmp_path / "status.json"
    gate = make_gate(tmp_path, tmp_path / "absent", lines, status, monkeypatch, check=True)
    assert gate.skip("no data at ../shared/data/demo") == 0
    assert lines == ["gate demo: SKIPPED: no data at ../shared/data/demo"]
    assert json.loads(status.read_text(encoding="utf-8")) == {
        "name": "demo", "status": "skipped", "reason": "no data at ../shared/data/demo"}


def test_sampled_run_is_not_checked_nor_updated(tmp_path, data, monkeypatch):
    write_floors(tmp_path, {"f1": 0.9})
    lines, status = [], tmp_path / "status.json"
    assert make_gate(tmp_path, data, lines, status, monkeypatch, check=True).finish({"f1": 0.1}, "--limit 5") == 0
    assert json.loads(status.read_text(encoding="utf-8"))["status"] == "unchecked"
    assert make_gate(tmp_path, data, lines, update_floors=True).finish({"f1": 0.99}, "--limit 5") == 2
    assert read_floors(tmp_path)["floors"] == {"f1": 0.9}


# ---------------------------------------------------------------- floors only go up
def test_update_raises_rounded_down():
    new, lines = update_floors({"f1": 0.5, "same": 0.7}, {"f1": 0.6789, "same": 0.703}, allow_lower=False)
    assert new == {"f1": 0.673, "same": 0.7}
    assert lines == ["RAISED: f1: 0.5 -> 0.673"]


def test_floor_never_lowered_without_flag(tmp_path, data):
    write_floors(tmp_path, {"f1": 0.8, "gone": 0.5, "ok": True})
    lines = []
    gate = make_gate(tmp_path, data, lines, update_floors=True)
    assert gate.finish({"f1": 0.6, "ok": False}) == 1
    assert read_floors(tmp_path)["floors"] == {"f1": 0.8, "gone": 0.5, "ok": True}
    assert any("NOT LOWERED: f1 stays 0.8" in line and "--allow-lower" in line for line in lines)
    # with --allow-lower each floor lowered is printed; a missing figure never lowers (nor removes) its floor
    lines.clear()
    gate = make_gate(tmp_path, data, lines, update_floors=True, allow_lower=True)
    assert gate.finish({"f1": 0.6, "ok": False}) == 1        # "gone" is still missing
    assert read_floors(tmp_path)["floors"] == {"f1": 0.595, "gone": 0.5, "ok": False}
    assert "  LOWERED (--allow-lower): f1: 0.8 -> 0.595" in lines
    assert "  LOWERED (--allow-lower): ok: True -> False" in lines


def test_update_records_digest_and_first_floors(tmp_path, data):
    lines = []
    assert make_gate(tmp_path, data, lines, update_floors=True).finish({"f1": 0.9, "ok": True, "note": "x"}) == 0
    doc = read_floors(tmp_path)
    assert doc["floors"] == {"f1": 0.895, "ok": True}
    assert (doc["data_digest"], doc["data_files"]) == data_digest([data])


def test_old_flat_floors_file_reads(tmp_path):
    path = tmp_path / "old.json"
    path.write_text('{"_note": "why", "f1": 0.5}', encoding="utf-8")
    assert _gate.load_floors(path) == {"_note": "why", "floors": {"f1": 0.5}}


# ---------------------------------------------------------------- the data digest
def test_digest_mismatch_warns_and_does_not_fail(tmp_path, data):
    write_floors(tmp_path, {"f1": 0.5}, "sha256:" + "0" * 64)
    lines = []
    assert make_gate(tmp_path, data, lines, check=True).finish({"f1": 0.6}) == 0
    warnings = [line for line in lines if "WARNING" in line]
    assert len(warnings) == 1 and "differs from the data its floors were set on" in warnings[0]
    assert any("PASSED" in line for line in lines)


def test_matching_digest_does_not_warn_and_missing_digest_does(tmp_path, data):
    write_floors(tmp_path, {"f1": 0.5}, data_digest([data])[0])
    lines = []
    make_gate(tmp_path, data, lines, check=True).finish({"f1": 0.6})
    assert not [line for line in lines if "WARNING" in line]
    write_floors(tmp_path, {"f1": 0.5})
    make_gate(tmp_path, data, lines, check=True).finish({"f1": 0.6})
    assert any("no data digest recorded" in line for line in lines)


def test_digest_follows_names_and_contents(tmp_path, data):
    first = data_digest([data])
    assert first[1] == 2 and data_digest([data]) == first
    (data / ".DS_Store").write_text("hidden files do not count", encoding="utf-8")
    assert data_digest([data]) == first
    (data / "sub" / "b.txt").write_text("some test", encoding="utf-8")    # same size, other content
    assert data_digest([data])[0] != first[0]
    assert data_digest([data, tmp_path / "absent"])[0] != data_digest([data])[0]


# ---------------------------------------------------------------- run_all
def _script(body: str) -> str:
    return f"import sys\nsys.path.insert(0, {str(EVAL)!r})\nfrom _gate import Gate\n{body}\n"


def test_run_all_labels_and_summary(tmp_path, capsys):
    import run_all
    floors = tmp_path / "floors"
    floors.mkdir()
    (floors / "good.json").write_text('{"floors": {"f1": 0.5}}', encoding="utf-8")
    gate = f"Gate({{name!r}}, [], check='--check' in sys.argv, floors_dir={str(floors)!r})"
    (tmp_path / "skips.py").write_text(_script(f"sys.exit({gate.format(name='skips')}.skip('no data'))"))
    (tmp_path / "good.py").write_text(_script(f"sys.exit({gate.format(name='good')}.finish({{'f1': 0.7}}))"))
    (tmp_path / "low.py").write_text(_script(f"sys.exit({gate.format(name='good')}.finish({{'f1': 0.1}}))"))
    (tmp_path / "silent.py").write_text("print('figures: 0.9')\n")
    names = ["skips.py", "good.py", "low.py", "silent.py", "later.py"]
    assert run_all.main(["--check"], tmp_path, names) == 1
    out = capsys.readouterr().out
    summary = out.split("== summary")[1]
    assert "SKIPPED      skips.py" in summary and "PASSED       good.py" in summary
    assert "FAILED       low.py" in summary and "BELOW FLOOR: f1" in summary
    assert "FAILED       silent.py" in summary and "reported no figures through eval/_gate.py" in summary
    assert "not present  later.py" in summary
    assert "4 evaluations: 1 PASSED, 2 FAILED, 1 SKIPPED (later.py not present)" in summary
    assert "at or above" not in summary
    # without --check a figure below its floor does not fail the run, a script that reports nothing does
    assert run_all.main([], tmp_path, ["good.py", "low.py"]) == 0
    assert run_all.main([], tmp_path, ["silent.py"]) == 1
    capsys.readouterr()
    assert run_all.main(["--check"], tmp_path, ["good.py"]) == 0
    assert "All evaluations at or above their floors" in capsys.readouterr().out


def test_evaluations_say_skipped_on_a_bare_clone(tmp_path):
    """The real scripts, copied where no ../shared is beside them: run_all --check exits 0, each SKIPPED."""
    clone = tmp_path / "clone" / "main"
    shutil.copytree(EVAL / "floors", clone / "eval" / "floors")
    for name in GATED + ["_gate.py", "run_all.py"]:
        shutil.copy(EVAL / name, clone / "eval" / name)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(EVAL.parent / "src")}
    proc = subprocess.run([sys.executable, str(clone / "eval" / "run_all.py"), "--check"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.split("== summary")[1]
    for name in GATED:
        assert f"SKIPPED      {name}" in summary, summary
    assert "The evaluations were SKIPPED" in summary and "at or above" not in summary
