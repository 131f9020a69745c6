"""What every worker process does once: one core each, models loaded before the first batch."""
from __future__ import annotations

import os


def limit_threads() -> None:
    """One worker = one core: keep BLAS, onnxruntime and tokenizers from starting pools of their own."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def warm_models() -> str:
    """Load spaCy and the sentence embedder in this process, once (they are cached per process)."""
    limit_threads()
    os.environ.setdefault("CORROBORATOR_EMBED_THREADS", "1")    # set here, in the worker only
    from ..annotate import annotate, embed_texts
    annotate("Warm up.")
    embed_texts(["Warm up."])
    return "ok"
