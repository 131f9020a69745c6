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
from .ledger import Ledger, set_store_opener, write_ledger_json
from .limits import StageTimer as _Timer
from .limits import add_seconds as _add
from .limits import peak_rss_mb
from .records import InputDoc, InputFailure

log = logging.getLogger("corroborator")

BATCH_SIZE = 16


def doc_key(doc: InputDoc) -> str:
    """Content hash of one input document (its path, content and metadata), of the analyser's version and of
    the per-article part of the configuration it runs under (``config.article_digest``).

    A stored analysis is reused only for the same input analysed by the same version with the same cleaning,
    annotation and extraction settings: after an upgrade (new extractors, other claim spans) or a changed
    per-article setting every input is analysed again. Link settings are not in the key: linking always runs.
    """
    from .config import article_digest
    return make_id("d", __version__, article_digest(), doc.path, doc.kind, doc.content, doc.url, doc.outlet, doc.published,
                   doc.title, "|".join(doc.authors))


def _open_store_read_only(path):
    from .store import Store
    return Store(path, read_only=True)


set_store_opener(_open_store_read_only)     # ``Ledger.lazy`` opens stores so (ledger.py does not import store/)


def _failure_reason(exc: Exception) -> str:
    return plain_reason(exc)      # words only; the traceback is in the debug log


# names that moved to ``annotate.vectors``, still readable here (bench/, eval/ and tests use them)
_MOVED = {"EMBED_BATCH": "EMBED_BATCH", "EMBED_CHUNK": "EMBED_CHUNK", "_EMBED_CACHE": "EMBED_CACHE",
          "_embed_cached": "embed_cached", "_as_stored": "as_stored", "has_claim_vectors": "has_claim_vectors",
          "embed_claims_where_needed": "embed_claims_where_needed", "embed_chunk": "embed_chunk"}
_peak_rss_mb = peak_rss_mb


def __getattr__(name):
    # read on first use: ``import corroborator`` stays free of numpy and the models
    if name in _MOVED:
        from .annotate import vectors
        return getattr(vectors, _MOVED[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    timings["worker_peak_rss_mb_max"] = peak_rss_mb()
    return results, timings


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
    from .annotate.vectors import as_stored, embed_cached

    with _Timer(timings, "embed"):
        vecs = embed_cached(batch.texts) if batch.texts else []
    results = batch.results
    for (i, an), vec in zip(batch.analyses, vecs):
        an.claim_vectors = []
        an.doc_vector = as_stored(vec)
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


def link_and_assess(analyses, timings=None, on_embedded=None, embed=None, details=False):
    """The cross-article stages over analyses held in memory: returns the pieces of the ledger. ``analyze``
    runs the same stages story by story over its store (``corpus.link_store``); this is their in-memory
    composition, for small lists and as the reference a test compares that with.

    Claims are embedded here where needed (``embed_claims_where_needed``); ``on_embedded`` is called
    with the analyses given vectors, so that the caller can store them.
    """
    from .annotate.vectors import drop_tokens, embed_claims_where_needed
    from .assess import assess_groups, build_timeline
    from .assess.disputes import find_disputes
    from .link import cluster_stories, find_derivations, group_claims, merge_entities
    from .link.claims import needs_word_vectors

    stories = cluster_stories(analyses)
    embedded = embed_claims_where_needed(analyses, stories, timings=timings, embed=embed,
                                         tokens=needs_word_vectors())
    if embedded and on_embedded is not None:
        on_embedded(embedded)
    derivations = find_derivations([a.article for a in analyses])
    entities, entity_map = merge_entities(analyses, stories)
    scores = {}
    groups = group_claims(analyses, stories, entity_map, scores=scores)
    drop_tokens()
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
            lazy: bool = False, config=None) -> Ledger:
    """Analyse the articles under ``paths`` and return the ``Ledger``.

    With ``out`` (a folder), also write ``ledger.duckdb``, ``ledger.json`` and ``report.html`` there; an
    existing store in ``out`` is updated incrementally (unchanged inputs are not analysed again).
    ``engine`` is ``"local"`` or ``"dask"``. Raises ``UsageError`` for a missing path; a bad input never
    raises: it is recorded in ``ledger.run["inputs"]`` as failed, with its reason.
    ``progress``: show a progress line on stderr (default: only when stderr is a terminal).
    ``workers``: processes (local engine; default one per CPU, used when the run is big enough) or
    Dask workers to start. ``timings`` (a dict): seconds per stage are added to it (per-article stages
    measured in worker processes are summed over the workers). ``config``: settings to change (a dict
    ``{"link.claims": {"max_per_article": 2}}`` or the path of a TOML file holding only those keys) over the
    shipped ``default_config.toml``; an unknown key or a wrong type raises ``UsageError``. The resolved
    configuration is in ``ledger.run["config"]``; it holds in worker processes too, and is undone on return.

    Inputs are streamed: at most a few batches of documents are in memory at once, whatever the engine;
    each finished batch is committed to the store, and the cross-article stages read every analysis back
    from the store (in content-hash order, so the ledger does not depend on the order work finished in).

    The stages, in order:
      1. inputs: files and folders discovered, URLs fetched (``_find_inputs``);
      2. per article, on the engine: each new input analysed and committed to the store
         (``_analyse_new_inputs``); inputs already in the store are reused;
      3. the current analysis of each input chosen (``_articles_to_link``);
      4. cross-article stages story by story over the store (``corpus.link_store``);
      5. ledger.json, report.html and the returned ``Ledger`` (``_write_outputs``).
    The engine is closed after step 4 and the store at the end, whatever happens.
    """
    from .config import applied, resolve

    resolved = resolve(config)          # first: a bad key fails before any work
    with applied(resolved):
        return _analyze(paths, out, engine, scheduler, workers, progress, write_report, batch_size, timings, lazy,
                        resolved)


def _analyze(paths, out, engine, scheduler, workers, progress, write_report, batch_size, timings, lazy,
             resolved) -> Ledger:
    """``analyze`` under its resolved configuration (already applied in this process)."""
    from .engine import get_engine
    from .store import Store

    started = _now()
    outdir = pathlib.Path(out) if out is not None else None
    files, fetched = _find_inputs(paths, outdir, progress)
    store = Store(outdir / "ledger.duckdb" if outdir is not None else ":memory:")
    try:
        inputs = _Inputs(store, fetched, files, progress)
        t0 = time.perf_counter()
        eng = get_engine(engine, scheduler=scheduler, workers=workers)
        _add(timings, "engine_start", time.perf_counter() - t0)
        try:
            _analyse_new_inputs(store, eng, inputs, batch_size, timings, resolved)
            link_keys, final_inputs = _articles_to_link(store, inputs, timings)
            _link(store, eng, link_keys, _run_record(started, final_inputs, resolved), timings, progress)
        finally:
            eng.close()
        ledger = _write_outputs(store, outdir, write_report, lazy, timings)
        if timings is not None:
            for k, v in inputs.stats.items():
                timings["n_" + k] = timings.get("n_" + k, 0) + v
        return ledger
    finally:
        store.close()


def _find_inputs(paths, outdir, progress):
    """The input files under ``paths`` (files, folders and URLs; a URL's page is fetched and kept under
    ``outdir/fetched``), and the fetch's result. Creates ``outdir``."""
    from .ingest import discover
    from .ingest.fetch import fetch_inputs, is_url

    if isinstance(paths, (str, pathlib.Path)):
        paths = [paths]
    paths = list(paths)                     # read twice: files and folders, then URLs
    files = discover([p for p in paths if not is_url(p)])
    if outdir is not None:
        outdir.mkdir(parents=True, exist_ok=True)
    # URLs given as inputs: fetched now (kept under out/fetched for offline reruns), then read like files
    fetched = fetch_inputs(paths, outdir, progress=progress)
    return files + fetched.files, fetched


class _Inputs:
    """What a run knows of its inputs while the per-article phase runs: the files, the keys already in the
    store, the record of each input path (``records``), counts (``stats``) and the progress line."""

    def __init__(self, store, fetched, files, progress):
        from .progress import Progress

        self.files = files
        self.known = store.known_doc_keys()
        store.drop_inputs(fetched.pages)        # a URL that failed in an earlier run and gave a page now
        self.records = {r.path: _input_record(r.path, r.status, r.reason) for r in fetched.records}
        self.stats = {"analysed": 0, "reused": 0, "failed": 0}
        # one article per file unless a file is a container (JSONL, WARC): then the total is unknown
        total = None if any(_is_container(f) for f in files) else len(files)
        self.prog = Progress(total, "articles", enabled=progress)

    def new_docs(self):
        """The documents of the input files not analysed yet; the others are recorded as they pass."""
        for n, f in enumerate(self.files, 1):
            for item in _read_safely(f):
                if isinstance(item, InputFailure):
                    self.records[item.path] = _input_record(item.path, item.status, item.reason)
                    self.stats["failed"] += 1
                    self.prog.advance(1)
                    continue
                key = doc_key(item)
                if key in self.known:
                    self.records[item.path] = {**_input_record(item.path, "ok"), "doc_key": key, "cached": True}
                    self.stats["reused"] += 1
                    self.prog.advance(1)
                    continue
                yield item
            self.prog.set_files(n, len(self.files))


def _input_record(path, status, reason=None, article=None) -> dict:
    return {"path": path, "status": status, "reason": reason, "article": article}


def _analyse_new_inputs(store, eng, inputs: _Inputs, batch_size, timings, resolved=None) -> None:
    """Step 2 of ``analyze``: the new inputs analysed on ``eng``, batch by batch, each batch committed to the
    store as it comes; then the inputs that failed before reaching a batch recorded there too."""
    stream = _start_batches(eng, _batches(inputs.new_docs(), batch_size), timings, resolved)
    t_map = time.perf_counter()
    try:
        for results, worker_timings in stream:
            if worker_timings and timings is not None:
                # stage seconds measured in worker processes: summed over workers (a peak: its maximum)
                for k, v in worker_timings.items():
                    timings[k] = max(timings.get(k, 0.0), v) if k.endswith("_max") else timings.get(k, 0.0) + v
            with _Timer(timings, "store"):
                n = _store_batch(store, results, inputs)
            del results
            inputs.prog.advance(n)
    finally:
        _add(timings, "per_article_wall", time.perf_counter() - t_map)
    inputs.prog.finish()
    with _Timer(timings, "store"):
        store.put_inputs([r for r in inputs.records.values() if r["status"] != "ok"])


def _start_batches(eng, batches, timings, resolved=None):
    """The engine's stream of ``(results, worker timings)``, one per batch of documents. Work sent to other
    processes carries the resolved configuration (``config.Configured``): they start from the defaults."""
    from .config import Configured

    remote = Configured(process_batch_timed, resolved) if resolved else process_batch_timed
    if getattr(eng, "name", "") != "local":
        return eng.map_batches(remote, batches)

    # in this process: two phases overlapped (embedding of batch k in a background thread while spaCy does
    # batch k+1); in worker processes when the run is big enough: whole batches
    def first(batch):
        return analyse_batch(batch, timings=timings)

    def finish(state):
        return embed_batch(state, timings=timings), None

    return eng.map_batches(first, batches, finish=finish, remote=remote)


def _store_batch(store, results, inputs: _Inputs) -> int:
    """Commit one batch's analyses and input records; returns how many inputs it held."""
    done, recs = [], []
    for key, res in results:
        if isinstance(res, InputFailure):
            recs.append({**_input_record(res.path, res.status, res.reason), "doc_key": None})
            inputs.stats["failed"] += 1
        else:
            done.append((key, res))
            recs.append({**_input_record(res.article.path, "ok", article=res.article.id), "doc_key": key})
            inputs.stats["analysed"] += 1
    store.put_results(done, recs)
    for r in recs:
        inputs.records[r["path"]] = r
    return len(recs)


def _articles_to_link(store, inputs: _Inputs, timings):
    """Step 3 of ``analyze``: the doc keys of the articles that join the ledger (every analysed article in
    the store, incremental runs included, one per article id) and the final record of each input path."""
    with _Timer(timings, "store"):
        seen_article, link_keys = {}, []
        stored_inputs = store.inputs()
        key_to_path = {r["doc_key"]: r["path"] for r in stored_inputs if r["doc_key"]}
        final_inputs = {r["path"]: dict(r) for r in stored_inputs}
        # only the current analysis of each input: an input that changed since an earlier run keeps its
        # old analysis in the store under its old key, and that one must not join the ledger
        for key, aid in store.article_keys(list(key_to_path)):
            path = key_to_path[key]
            if aid in seen_article:
                final_inputs[path] = _input_record(path, "skipped", f"duplicate of {seen_article[aid]}", aid)
                continue
            seen_article[aid] = path
            link_keys.append(key)
            if path in final_inputs:
                final_inputs[path]["article"] = aid
    return link_keys, final_inputs


def _run_record(started, final_inputs, resolved=None):
    """A function returning the ledger's run record (called when the ledger is published: it is then that
    the run finishes); with ``resolved``, the configuration the run used is in it as ``config``."""
    def run():
        rec = {"version": __version__, "started": started, "finished": _now(),
               "inputs": [{k: r.get(k) for k in ("path", "status", "reason", "article")}
                          for _, r in sorted(final_inputs.items())]}
        if resolved is not None:
            rec["config"] = resolved
        return rec
    return run


def _link(store, eng, link_keys, run, timings, progress) -> None:
    """Step 4 of ``analyze``: the cross-article stages, story by story over the store (the engine's workers,
    when it has some, embed the claims that need it, in parallel)."""
    from .annotate.vectors import embedder_over
    from .corpus import link_store
    from .progress import Progress

    link_store(store, link_keys, run, timings=timings, embed=embedder_over(getattr(eng, "map_on_workers", None)),
               progress=lambda n: Progress(n, "stories linked", enabled=progress))


def _write_outputs(store, outdir, write_report, lazy, timings) -> Ledger:
    """Step 5 of ``analyze``: with ``outdir``, ledger.json and report.html written there; the ``Ledger``
    (read from the store, or, with ``lazy``, read from it table by table when first used)."""
    with _Timer(timings, "write"):
        if outdir is None:
            return Ledger(store.read_ledger())
        write_ledger_json(store, outdir / "ledger.json")
        if write_report:
            from .report import render_store_report
            (outdir / "report.html").write_text(render_store_report(store), encoding="utf-8")
        return Ledger.lazy(outdir / "ledger.duckdb") if lazy else Ledger(store.read_ledger())
