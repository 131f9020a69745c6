"""The order of stages, and the one function that runs them all: ``analyze``.

    per article (pure, any engine):  ingest.read_input -> clean -> annotate -> extract
    per batch of stories:            link -> assess -> ledger -> store / ledger.json / report.html
"""
from __future__ import annotations

import datetime as _dt
import logging
import pathlib
import time

from . import __version__
from .errors import plain_reason
from .ids import make_id
from .ledger import Ledger, write_ledger_json
from .records import InputDoc, InputFailure

log = logging.getLogger("corroborator")

BATCH_SIZE = 16


def doc_key(doc: InputDoc) -> str:
    """Content hash of one input document (its path, content and metadata) and of the analyser's version.

    A stored analysis is reused only for the same input analysed by the same version: after an upgrade
    (new extractors, other claim spans) every input is analysed again.
    """
    return make_id("d", __version__, doc.path, doc.kind, doc.content, doc.url, doc.outlet, doc.published,
                   doc.title, "|".join(doc.authors))


def _failure_reason(exc: Exception) -> str:
    return plain_reason(exc)      # words only; the traceback is in the debug log


EMBED_BATCH = 256        # texts tokenised at once (each runs through the model alone: see annotate.embed)
_EMBED_CACHE: dict = {}  # text -> vector, per process (copies of the same wire story embed once)
_EMBED_CACHE_MAX = 50_000


def _embed_cached(texts):
    """Embed ``texts`` (a list), reusing vectors already computed in this process for the same string."""
    import numpy as np
    from .annotate import EMBED_DIM, embed_texts

    todo = list(dict.fromkeys(t for t in texts if t not in _EMBED_CACHE))
    if todo:
        vecs = embed_texts(todo, batch_size=EMBED_BATCH)
        if len(_EMBED_CACHE) + len(todo) > _EMBED_CACHE_MAX:
            _EMBED_CACHE.clear()
        fresh = dict(zip(todo, vecs))
        _EMBED_CACHE.update(fresh)
    else:
        fresh = {}
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        v = fresh.get(t)
        out[i] = v if v is not None else _EMBED_CACHE[t]
    return out


class _Timer:
    """Adds the seconds spent in a block to ``timings[stage]`` (when ``timings`` is a dict)."""

    def __init__(self, timings, stage):
        self.timings, self.stage = timings, stage

    def __enter__(self):
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        if self.timings is not None:
            self.timings[self.stage] = self.timings.get(self.stage, 0.0) + time.perf_counter() - self.t0


def process_batch(docs, timings=None) -> list:
    """Run clean -> annotate -> extract -> embed over a batch of ``InputDoc``; pure, engine-agnostic.

    Returns one ``(doc_key, ArticleAnalysis | InputFailure)`` per document, in order. An error in one
    document becomes its failure and never touches the others. The result of one document does not
    depend on the other documents of its batch. With ``timings`` (a dict), the seconds spent in each
    stage (``clean``, ``annotate``, ``extract``, ``embed``) are added to it.

    It is the two phases ``analyse_batch`` then ``embed_batch``; the local engine runs the second one of
    batch k in a background thread while the first one of batch k+1 runs (onnxruntime releases the GIL).
    """
    return embed_batch(analyse_batch(docs, timings=timings), timings=timings)


def process_batch_timed(docs):
    """``process_batch`` for worker processes: returns ``(results, seconds per stage)``."""
    timings = {}
    results = process_batch(docs, timings=timings)
    timings["worker_peak_rss_mb_max"] = _peak_rss_mb()
    return results, timings


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux VmHWM; 0.0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


class AnalysedBatch:
    """What ``analyse_batch`` hands to ``embed_batch``: the batch, its results so far, the texts to embed."""
    __slots__ = ("docs", "results", "analyses", "texts", "spans")

    def __init__(self, docs, results, analyses, texts, spans):
        self.docs, self.results, self.analyses, self.texts, self.spans = docs, results, analyses, texts, spans


def analyse_batch(docs, timings=None) -> AnalysedBatch:
    """First phase of ``process_batch``: clean -> annotate -> extract (spaCy and Python; holds the GIL)."""
    from .annotate import annotate_many
    from .clean import clean_document
    from .extract import extract_article
    from .limits import ARTICLE_TIME_BUDGET_S, article_budget, check_text_length

    docs = list(docs)
    results = [None] * len(docs)
    cleaned = []
    with _Timer(timings, "clean"):
        for i, doc in enumerate(docs):
            try:
                # each article's own work is bounded in time (see limits.py) and in length: spaCy then
                # sees only texts of bounded size
                with article_budget(ARTICLE_TIME_BUDGET_S, what=doc.path):
                    article = clean_document(doc)
                check_text_length(article.text)
                cleaned.append((i, article))
            except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
                log.debug("clean failed for %s", doc.path, exc_info=True)
                results[i] = InputFailure(doc.path, "failed", _failure_reason(exc))
    analyses = []
    with _Timer(timings, "annotate"):
        try:
            anns = list(annotate_many([a.text for _, a in cleaned]))
        except Exception:  # noqa: BLE001 - fall back to one at a time to isolate the culprit
            anns = None
    for k, (i, article) in enumerate(cleaned):
        try:
            if anns is None:
                from .annotate import annotate
                with _Timer(timings, "annotate"):
                    ann = annotate(article.text)
            else:
                ann = anns[k]
            with _Timer(timings, "extract"), article_budget(ARTICLE_TIME_BUDGET_S, what=article.path):
                analyses.append((i, extract_article(article, ann, embed=None)))
        except Exception as exc:  # noqa: BLE001
            log.debug("extract failed for %s", article.path, exc_info=True)
            results[i] = InputFailure(article.path, "failed", _failure_reason(exc))
    # one embedding call for the whole batch: a lead per article (claims are embedded at link time, and
    # only where their story has another article to compare them with: see ``embed_claims_where_needed``)
    texts = [((an.article.title or "") + "\n" + an.article.text[:1000]).strip() for _, an in analyses]
    return AnalysedBatch(docs, results, analyses, texts, None)


def embed_batch(batch: AnalysedBatch, timings=None) -> list:
    """Second phase of ``process_batch``: embed each article's lead (onnxruntime; releases the GIL)."""
    with _Timer(timings, "embed"):
        vecs = _embed_cached(batch.texts) if batch.texts else []
    results = batch.results
    for (i, an), vec in zip(batch.analyses, vecs):
        an.claim_vectors = []
        an.doc_vector = _as_stored(vec)
        results[i] = an
    return [(doc_key(d), r) for d, r in zip(batch.docs, results)]


def _read_safely(path):
    """``ingest.read_input`` for one file, where even an unexpected error becomes that file's failure."""
    from .ingest import read_input
    try:
        yield from read_input(path)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        log.debug("reading %s failed", path, exc_info=True)
        yield InputFailure(str(path), "failed", _failure_reason(exc))


def _batches(docs, size):
    batch = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _as_stored(vec):
    """A vector as the store keeps it (float16): a vector fresh from the embedder and the same vector read
    back from the store are then equal, so a rerun links exactly as the first run did."""
    import numpy as np
    return np.asarray(vec, dtype=np.float16)


def has_claim_vectors(an) -> bool:
    return len(an.claim_vectors) == len(an.claims)


def embed_claims_where_needed(analyses, stories, timings=None, embed=None) -> list:
    """Give claim vectors to the articles that share a story with another article and lack them.

    A claim is only ever compared with the claims of other articles of its story, so the claims of an
    article alone in its story need no vector (most of the embedding cost of a large, varied corpus);
    when a later run adds an article to that story, they get one then. Returns the analyses given
    vectors (for the store to keep them).
    """
    by_id = {an.article.id: an for an in analyses}
    todo = []
    for st in stories:
        if len(st.articles) < 2:
            continue
        for aid in st.articles:
            an = by_id.get(aid)
            if an is not None and an.claims and not has_claim_vectors(an):
                todo.append(an)
    if not todo:
        return []
    texts = [c.text for an in todo for c in an.claims]
    with _Timer(timings, "embed"):
        vecs = (embed or _embed_cached)(texts)
    if timings is not None:
        timings["n_claims_embedded"] = timings.get("n_claims_embedded", 0) + len(texts)
    off = 0
    for an in todo:
        an.claim_vectors = [_as_stored(v) for v in vecs[off:off + len(an.claims)]]
        off += len(an.claims)
    return todo


EMBED_CHUNK = 256         # claims per task when workers embed them


def embed_chunk(texts):
    """Embed one chunk of texts (run in a worker process, or here)."""
    from .annotate import embed_texts
    return embed_texts(texts, batch_size=EMBED_BATCH)


def _engine_embedder(eng):
    """A function texts -> vectors that spreads the work over ``eng``'s workers when it has any running
    (vectors do not depend on where or with what they were embedded), else embeds here."""
    run = getattr(eng, "map_on_workers", None)

    def embed(texts):
        import numpy as np
        from .annotate import EMBED_DIM

        todo = list(dict.fromkeys(t for t in texts if t not in _EMBED_CACHE))
        parts = None
        if run is not None and len(todo) > EMBED_CHUNK:
            parts = run(embed_chunk, [todo[i:i + EMBED_CHUNK] for i in range(0, len(todo), EMBED_CHUNK)])
        if parts is None:
            return _embed_cached(texts)
        fresh = dict(zip(todo, np.concatenate(parts))) if todo else {}
        out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            v = fresh.get(t)
            out[i] = v if v is not None else _EMBED_CACHE[t]
        return out

    return embed


def link_and_assess(analyses, timings=None, on_embedded=None, embed=None, details=False):
    """The cross-article stages over analyses held in memory: returns the pieces of the ledger. ``analyze``
    runs the same stages story by story over its store (``corpus.link_store``); this is their in-memory
    composition, for small lists and as the reference a test compares that with.

    Claims are embedded here where needed (``embed_claims_where_needed``); ``on_embedded`` is called
    with the analyses given vectors, so that the caller can store them.
    """
    from .assess import assess_groups, build_timeline
    from .assess.disputes import find_disputes
    from .link import cluster_stories, find_derivations, group_claims, merge_entities

    stories = cluster_stories(analyses)
    embedded = embed_claims_where_needed(analyses, stories, timings=timings, embed=embed)
    if embedded and on_embedded is not None:
        on_embedded(embedded)
    derivations = find_derivations([a.article for a in analyses])
    entities, entity_map = merge_entities(analyses, stories)
    scores = {}
    groups = group_claims(analyses, stories, entity_map, scores=scores)
    assess_groups(groups, analyses, derivations, entity_map)
    disputes = find_disputes(analyses, entity_map, scores)
    timeline = build_timeline(analyses, groups)
    if details:
        return stories, entities, entity_map, derivations, groups, timeline, disputes, {"scores": scores}
    return stories, entities, entity_map, derivations, groups, timeline, disputes


def _now():
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


CONTAINER_SUFFIXES = (".jsonl", ".json", ".warc", ".gz", ".warc.gz")


def _is_container(path) -> bool:
    name = str(path).lower()
    return name.endswith(CONTAINER_SUFFIXES)


def analyze(paths, out=None, engine: str = "local", scheduler=None, workers=None, progress: bool | None = None,
            write_report: bool = True, batch_size: int = BATCH_SIZE, timings: dict | None = None,
            lazy: bool = False) -> Ledger:
    """Analyse the articles under ``paths`` and return the ``Ledger``.

    With ``out`` (a folder), also write ``ledger.duckdb``, ``ledger.json`` and ``report.html`` there; an
    existing store in ``out`` is updated incrementally (unchanged inputs are not analysed again).
    ``engine`` is ``"local"`` or ``"dask"``. Raises ``UsageError`` for a missing path; a bad input never
    raises: it is recorded in ``ledger.run["inputs"]`` as failed, with its reason.
    ``progress``: show a progress line on stderr (default: only when stderr is a terminal).
    ``workers``: processes (local engine; default one per CPU, used when the run is big enough) or
    Dask workers to start. ``timings`` (a dict): seconds per stage are added to it (per-article stages
    measured in worker processes are summed over the workers).

    Inputs are streamed: at most a few batches of documents are in memory at once, whatever the engine;
    each finished batch is committed to the store, and the cross-article stages read every analysis back
    from the store (in content-hash order, so the ledger does not depend on the order work finished in).
    """
    from .engine import get_engine
    from .ingest import discover
    from .ingest.fetch import fetch_inputs, is_url
    from .progress import Progress
    from .store import Store

    if isinstance(paths, (str, pathlib.Path)):
        paths = [paths]
    paths = list(paths)                     # read twice: files and folders, then URLs
    started = _now()
    files = discover([p for p in paths if not is_url(p)])
    outdir = pathlib.Path(out) if out is not None else None
    if outdir is not None:
        outdir.mkdir(parents=True, exist_ok=True)
    # URLs given as inputs: fetched now (kept under out/fetched for offline reruns), then read like files
    fetched = fetch_inputs(paths, outdir, progress=progress)
    files += fetched.files
    store = Store(outdir / "ledger.duckdb" if outdir is not None else ":memory:")
    eng = None
    try:
        known = store.known_doc_keys()
        store.drop_inputs(fetched.pages)        # a URL that failed in an earlier run and gave a page now
        run_inputs = {r.path: {"path": r.path, "status": r.status, "reason": r.reason, "article": None}
                      for r in fetched.records}
        # one article per file unless a file is a container (JSONL, WARC): then the total is unknown
        total = None if any(_is_container(f) for f in files) else len(files)
        prog = Progress(total, "articles", enabled=progress)
        t0 = time.perf_counter()
        eng = get_engine(engine, scheduler=scheduler, workers=workers)
        _add(timings, "engine_start", time.perf_counter() - t0)
        stats = {"analysed": 0, "reused": 0, "failed": 0}

        def docs():
            for n, f in enumerate(files, 1):
                for item in _read_safely(f):
                    if isinstance(item, InputFailure):
                        run_inputs[item.path] = {"path": item.path, "status": item.status,
                                                 "reason": item.reason, "article": None}
                        stats["failed"] += 1
                        prog.advance(1)
                        continue
                    key = doc_key(item)
                    if key in known:
                        run_inputs[item.path] = {"path": item.path, "status": "ok", "reason": None,
                                                 "article": None, "doc_key": key, "cached": True}
                        stats["reused"] += 1
                        prog.advance(1)
                        continue
                    yield item
                prog.set_files(n, len(files))

        if getattr(eng, "name", "") == "local":
            # in this process: two phases overlapped (embedding of batch k in a background thread while
            # spaCy does batch k+1); in worker processes when the run is big enough: whole batches
            def first(batch):
                return analyse_batch(batch, timings=timings)

            def finish(state):
                return embed_batch(state, timings=timings), None

            stream = eng.map_batches(first, _batches(docs(), batch_size), finish=finish,
                                     remote=process_batch_timed)
        else:
            stream = eng.map_batches(process_batch_timed, _batches(docs(), batch_size))
        t_map = time.perf_counter()
        try:
            for results, worker_timings in stream:
                if worker_timings and timings is not None:
                    # stage seconds measured in worker processes: summed over workers
                    for k, v in worker_timings.items():
                        timings[k] = max(timings.get(k, 0.0), v) if k.endswith("_max") else timings.get(k, 0.0) + v
                t0 = time.perf_counter()
                done, recs = [], []
                for key, res in results:
                    if isinstance(res, InputFailure):
                        recs.append({"path": res.path, "status": res.status, "reason": res.reason,
                                     "article": None, "doc_key": None})
                        stats["failed"] += 1
                    else:
                        done.append((key, res))
                        recs.append({"path": res.article.path, "status": "ok", "reason": None,
                                     "article": res.article.id, "doc_key": key})
                        stats["analysed"] += 1
                store.put_results(done, recs)
                for r in recs:
                    run_inputs[r["path"]] = r
                del done, results
                _add(timings, "store", time.perf_counter() - t0)
                prog.advance(len(recs))
        except BaseException:
            eng.close()
            raise
        finally:
            _add(timings, "per_article_wall", time.perf_counter() - t_map)
        prog.finish()
        t0 = time.perf_counter()
        # inputs that failed before reaching a batch
        store.put_inputs([r for r in run_inputs.values() if r["status"] != "ok"])

        # every analysed article in the store takes part in linking (incremental runs included)
        seen_article, link_keys = {}, []
        stored_inputs = store.inputs()
        key_to_path = {r["doc_key"]: r["path"] for r in stored_inputs if r["doc_key"]}
        final_inputs = {r["path"]: dict(r) for r in stored_inputs}
        # only the current analysis of each input: an input that changed since an earlier run keeps its
        # old analysis in the store under its old key, and that one must not join the ledger
        for key, aid in store.article_keys(list(key_to_path)):
            path = key_to_path[key]
            if aid in seen_article:
                final_inputs[path] = {"path": path, "status": "skipped", "article": aid,
                                      "reason": f"duplicate of {seen_article[aid]}"}
                continue
            seen_article[aid] = path
            link_keys.append(key)
            if path in final_inputs:
                final_inputs[path]["article"] = aid
        _add(timings, "store", time.perf_counter() - t0)

        def run():
            return {"version": __version__, "started": started, "finished": _now(),
                    "inputs": [{k: r.get(k) for k in ("path", "status", "reason", "article")}
                               for _, r in sorted(final_inputs.items())]}

        # the cross-article stages, story by story over the store (the engine's workers, when it has some,
        # embed the claims that need it, in parallel)
        from .corpus import link_store
        link_store(store, link_keys, run, timings=timings, embed=_engine_embedder(eng),
                   progress=lambda n: Progress(n, "stories linked", enabled=progress))
        eng.close()
        t0 = time.perf_counter()
        data = None
        if outdir is not None:
            write_ledger_json(store, outdir / "ledger.json")
            if write_report:
                from .report import render_store_report
                (outdir / "report.html").write_text(render_store_report(store), encoding="utf-8")
            if data is None and not lazy:
                data = store.read_ledger()
            ledger = Ledger(data) if data is not None else Ledger.lazy(outdir / "ledger.duckdb")
        else:
            ledger = Ledger(store.read_ledger())
        _add(timings, "write", time.perf_counter() - t0)
        if timings is not None:
            for k, v in stats.items():
                timings["n_" + k] = timings.get("n_" + k, 0) + v
        return ledger
    finally:
        if eng is not None:
            eng.close()
        store.close()


def _add(timings, stage, seconds):
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + seconds
