"""The cross-article stages over a whole store, story by story, in bounded memory.

    features (one pass):   each article -> StoryKey, DerivationKey, (date, outlet)   [a few KB each]
    global, from keys:     stories (blocking), candidate pairs of text reuse
    pass 1, per story:     text-reuse checks, the story's entities (parts)  -> staging tables
    global, in the store:  parts sharing a strong name merged across stories (one name at a time)
    pass 2, per story:     claim vectors, claim groups, status, ledger records -> staging tables
    publish:               staging -> ledger tables, each in the ledger's order (DuckDB sorts, spilling to disk)

Only the keys of every article and the analyses of one chunk of stories are in memory at once, so linking
10,000 articles needs little more memory than linking 1,000. The stage functions are the same as for a
list of analyses in memory (``link.*``, ``assess.*``); this module only decides what is loaded when.
"""
from __future__ import annotations

import json
import logging
import time
from collections import defaultdict

import numpy as np

from .annotate.vectors import drop_tokens, embed_cached, embed_claims_where_needed
from .errors import StoreMemoryError
from .limits import add_seconds, bound_heap, peak_rss_mb, release_free_memory

log = logging.getLogger("corroborator")

CHUNK_ARTICLES = 256          # articles of the stories loaded at once
DUCKDB_MEMORY_MB = 32         # DuckDB's cache and sorts while linking (it caches every block read otherwise)
SCAN_MEMORY_MB = 32           # ... while the analyses are read once, in storage order (a cache is of no use)
SCAN_WINDOW = 64              # analyses fetched at once in that pass (a stored analysis takes 50-100 KB, twice:
                              # DuckDB's result and Python's bytes)
MAX_MEMORY_MB = 8192          # the caps are raised fourfold, up to this, when DuckDB needs more


def _chunks(stories, size):
    chunk, n = [], 0
    for st in stories:
        if chunk and n + len(st.articles) > size:
            yield chunk
            chunk, n = [], 0
        chunk.append(st)
        n += len(st.articles)
    if chunk:
        yield chunk


def _dumps(rec) -> str:
    return json.dumps(rec, ensure_ascii=False)


def link_store(store, doc_keys, run, timings=None, embed=None, progress=None) -> dict:
    """Link and assess the analyses of ``doc_keys`` (one per article) in ``store`` and publish the ledger
    tables there, with ``run`` (a dict, or a function returning it when the ledger is published) as its run
    record. Returns counts of what was written.

    ``embed``: texts -> vectors, for the claims of articles that share a story and lack claim vectors (they
    are stored back, so a later run does not embed them again). ``progress``: a function of the number of
    stories returning a ``Progress``, advanced as stories are linked.
    """
    embed = embed or embed_cached
    bound_heap()
    store.stage_end()                  # what a killed run left (staging tables, its log) written out first
    scale, restarts, retries = 1, 0, store.memory_retries
    while True:
        # the caps only keep DuckDB's cache small; a statement that needs more runs again under a raised cap
        # (``Store.run``). Where memory runs out elsewhere, linking starts again with four times the memory
        # rather than fail (it publishes nothing until it is done), at the cost of the time spent so far
        try:
            with store.errors(), store.memory_cap(DUCKDB_MEMORY_MB * scale):
                spill = _Spill(store.path)
                try:
                    counts = _link_store(store, doc_keys, run, timings, embed, progress, spill, scale)
                    counts["memory_retries"] = store.memory_retries - retries
                    counts["restarts"] = restarts
                    return counts
                finally:
                    spill.close()
                    store.stage_end()      # after a failure too: no staging tables or scratch file left behind
        except StoreMemoryError as exc:
            if DUCKDB_MEMORY_MB * scale >= MAX_MEMORY_MB:
                raise
            scale *= 4
            restarts += 1
            log.warning("linking: %s; linking again with %d MB", exc, DUCKDB_MEMORY_MB * scale)


def _link_store(store, doc_keys, run, timings, embed, progress, spill, scale=1) -> dict:
    """The phases of linking, in order (see the module's docstring); each phase's own data is dropped as soon
    as the next ones no longer need it. Returns counts of what was written."""
    from .assess.status import Units
    from .link.derivation import candidate_pairs

    t0 = time.perf_counter()
    load = _Loader(spill)
    skeys, vectors, dkeys, ukeys, key_of = _read_keys(store, doc_keys, spill, scale)
    _phase_done("features", store)
    stories = _cluster(skeys, vectors)
    del skeys, vectors
    _phase_done("stories", store)
    pairs = candidate_pairs(dkeys)
    del dkeys
    _phase_done("pairs", store)
    chunks = list(_chunks(stories, CHUNK_ARTICLES))
    pairs_in, across = _pairs_by_chunk(chunks, pairs)
    del pairs
    store.stage_begin()
    derivations = _pass1(store, chunks, pairs_in, across, load)
    derived = defaultdict(list)
    for d in derivations:
        derived[d.article].append(d)
    units = Units(ukeys, derivations)
    _phase_done("pass1", store)
    _stage_entities(store, _cross_story_roots(store))
    _phase_done("entities", store)
    counts, embed_s = _pass2(store, stories, chunks, load, key_of, derived, units, embed, timings, progress)
    spill.close()
    # what linking kept per article is not needed to publish: dropped first, so that publishing starts low
    del chunks, pairs_in, across, derivations, derived, units, stories, key_of, ukeys
    _phase_done("pass2", store)
    ts = time.perf_counter()
    store.stage_publish(run() if callable(run) else run)
    store.stage_end()
    _phase_done("publish", store)
    load.seconds += time.perf_counter() - ts
    add_seconds(timings, "embed", embed_s)
    add_seconds(timings, "store", load.seconds)
    add_seconds(timings, "link_assess", time.perf_counter() - t0 - embed_s - load.seconds)
    return counts


class _Loader:
    """The analyses of some articles read back from the scratch file (``_Spill``), the seconds it took (and
    other store work of linking) counted in ``seconds``."""

    def __init__(self, spill):
        self.spill, self.seconds = spill, 0.0

    def __call__(self, aids) -> dict:
        ts = time.perf_counter()
        out = {a: self.spill.get(a) for a in aids}
        self.seconds += time.perf_counter() - ts
        return out


def _read_keys(store, doc_keys, spill, scale):
    """Features: one pass over the store, keeping a few keys per article (``StoryKey``s, the doc vectors as one
    matrix or None, ``DerivationKey``s, ``{article: unit key}``, ``{article: doc key}``); each analysis is
    copied to ``spill``, from which the passes over stories read it back by offset."""
    from .assess.status import unit_key
    from .link.derivation import derivation_key
    from .link.stories import story_key
    from .store.codec import decode_analysis

    skeys, dkeys, ukeys, key_of = [], [], {}, {}
    # the doc vectors go into one matrix, as stored (float16), in scan order: story clustering reads them there
    # (a key per article and a float32 copy of them all would hold them three times over)
    vectors, width = None, None
    # the other arrays of the keys are packed in large blocks, one set for the story keys and one for the
    # derivation keys: scattered among the other keys, each set would leave the heap full of holes once dropped
    spack, dpack = _Packer(), _Packer()
    with store.memory_cap(SCAN_MEMORY_MB * scale):
        for key, payload, vectors_blob in store.scan_analyses(doc_keys, window=SCAN_WINDOW):
            an = decode_analysis(payload, vectors_blob)
            aid = an.article.id
            key_of[aid] = key
            spill.put(aid, payload, vectors_blob)
            k = story_key(an)
            v, k.vector = k.vector, None
            if width is None and v is not None:
                width = len(v)
                vectors = np.empty((len(doc_keys), width), dtype=v.dtype)
            if v is not None and len(v) == width and len(skeys) < len(vectors):
                vectors[len(skeys)] = v
            else:
                width = -1                  # an article without one, or of another width: no matrix
            k.names = spack.add(k.names)
            skeys.append(k)
            k = derivation_key(an.article)
            k.sampled = dpack.add(k.sampled)
            dkeys.append(k)
            ukeys[aid] = unit_key(an.article)
    del spack, dpack
    if width is None or width < 0:
        vectors = None
        if any(k.lead is None for k in skeys):
            # some article has no doc vector: every article is compared by its words, so every lead is needed
            skeys = [story_key(spill.get(k.id), keep_lead=True) for k in skeys]
            for k in skeys:
                k.vector = None
    else:
        vectors = vectors[:len(skeys)]
    return skeys, vectors, dkeys, ukeys, key_of


def _cluster(skeys, vectors) -> list:
    """Stories (blocking and clustering over the keys), in id order."""
    from .link import cluster_stories
    return sorted(cluster_stories(skeys, vectors), key=lambda s: s.id)


def _pairs_by_chunk(chunks, pairs):
    """Candidate pairs of text reuse as ``({chunk number: its pairs}, [pairs across chunks])``."""
    chunk_of = {}
    for ci, chunk in enumerate(chunks):
        for st in chunk:
            for aid in st.articles:
                chunk_of[aid] = ci
    pairs_in = defaultdict(list)        # chunk -> its candidate pairs; pairs across chunks come after
    across = []
    for x, y in pairs:
        (pairs_in[chunk_of[x]] if chunk_of[x] == chunk_of[y] else across).append((x, y))
    return pairs_in, across


def _check_pairs(pairs, ans, derivations) -> None:
    from .link.derivation import check_pair
    cache = {}
    for x, y in pairs:
        d = check_pair(ans[x].article, ans[y].article, cache)
        if d is not None:
            derivations.append(d)


def _pass1(store, chunks, pairs_in, across, load) -> list:
    """Pass 1: text reuse inside each chunk, each story's entities (parts) staged, then text reuse across
    chunks. Returns the derivations, in (article, source) order."""
    derivations = []
    pidx = 0
    for ci, chunk in enumerate(chunks):
        ans = load([aid for st in chunk for aid in st.articles])
        _check_pairs(pairs_in.get(ci, ()), ans, derivations)
        pidx = _stage_parts(store, chunk, ans, pidx)
        del ans
        release_free_memory()
    for lo in range(0, len(across), CHUNK_ARTICLES // 2):
        some = across[lo:lo + CHUNK_ARTICLES // 2]
        ans = load(sorted({a for p in some for a in p}))
        _check_pairs(some, ans, derivations)
        del ans
    derivations.sort(key=lambda d: (d.article, d.source))
    return derivations


def _stage_parts(store, chunk, ans, pidx) -> int:
    """The entities of each story of ``chunk`` (parts, numbered from ``pidx``) staged, each also as an entity
    of its own; returns the next part number."""
    from .ledger import entity_record
    from .link.entities import entity_of_parts, story_parts

    parts_rows, strong_rows, member_rows, entity_rows = [], [], [], []
    for st in chunk:
        for part in story_parts([ans[a] for a in st.articles], st.id):
            parts_rows.append((pidx, st.id, part.id, part.person, _dumps([list(k) for k in part.full]),
                               *store.stage_blob(_dumps(part.to_json()))))
            strong_rows.extend((k, pidx) for k in part.strong)
            member_rows.extend((aid, lid, pidx) for aid, lid in part.members)
            ent = entity_of_parts([part])
            entity_rows.append((pidx, ent.id, *store.stage_blob(_dumps(entity_record(ent)))))
            pidx += 1
    store.stage("stage_parts", parts_rows)
    store.stage("stage_strong", strong_rows)
    store.stage("stage_members", member_rows)
    store.stage("stage_entities", entity_rows)
    return pidx


def _cross_story_roots(store) -> dict:
    """Entities across stories: parts sharing a strong name merged one name at a time, in name order
    (``CrossStoryMerge``). Returns ``{part number: root part number}`` of the parts joined to another."""
    from .link.entities import CrossStoryMerge

    merge = CrossStoryMerge()
    group_key, members = None, []
    for key, p, story, person, full in store.stage_query(
            "SELECT s.key, s.pidx, p.story, p.person, p.\"full\" FROM stage_strong s "
            "JOIN (SELECT key FROM stage_strong GROUP BY key HAVING count(*) > 1) USING (key) "
            "JOIN stage_parts p USING (pidx) ORDER BY s.key, s.pidx"):
        if key != group_key and members:
            merge.add_group(members)
            members = []
        group_key = key
        members.append((p, story, person, [tuple(k) for k in json.loads(full)]))
    if members:
        merge.add_group(members)
    return merge.roots()


def _stage_entities(store, roots) -> None:
    """The merged entities staged: each root's parts become one entity (``stage_final``: part -> entity id),
    which replaces the entities of those parts alone in ``stage_entities``."""
    from .ledger import entity_record
    from .link.entities import Part, entity_of_parts

    store.stage("stage_roots", sorted(roots.items()))
    del roots
    final_rows, entity_rows = [], []
    current, parts, part_numbers = None, [], []

    def finish_entity():
        ent = entity_of_parts(parts)
        final_rows.extend((q, ent.id) for q in part_numbers)
        entity_rows.append((current, ent.id, *store.stage_blob(_dumps(entity_record(ent)))))

    for root, p, off, length in store.stage_query('SELECT r.root, p.pidx, p."off", p.len FROM stage_roots r '
                                                  "JOIN stage_parts p USING (pidx) ORDER BY r.root, p.pidx"):
        data = store.stage_read(off, length)
        if root != current and parts:
            finish_entity()
            parts, part_numbers = [], []
        current = root
        parts.append(Part.from_json(json.loads(data)))
        part_numbers.append(p)
        if len(final_rows) >= 20_000:
            store.stage("stage_final", final_rows)
            final_rows.clear()
    merged = current is not None
    if parts:
        finish_entity()
    parts = None
    store.stage("stage_final", final_rows)
    if merged:
        store.run("DELETE FROM stage_entities WHERE pidx IN (SELECT pidx FROM stage_roots)")
    store.stage("stage_entities", entity_rows)


def _pass2(store, stories, chunks, load, key_of, derived, units, embed, timings, progress):
    """Pass 2, a chunk of stories at a time: claim vectors where needed (stored back), claim groups and status,
    and the ledger's records staged. Returns ``(counts, seconds spent embedding)``."""
    from .link.claims import needs_word_vectors
    counts = {"articles": 0, "claims": 0, "claim_groups": 0, "stories": len(stories)}
    prog = progress(len(stories)) if progress is not None else None
    embed_s = 0.0
    words_too = needs_word_vectors()
    for chunk in chunks:
        aids = [aid for st in chunk for aid in st.articles]
        ans = load(aids)
        emap = {(a, lid): eid for a, lid, eid in store.stage_query(
            "SELECT m.aid, m.lid, coalesce(f.eid, p.eid) FROM stage_members m JOIN stage_parts p USING (pidx) "
            "LEFT JOIN stage_final f USING (pidx) WHERE m.aid IN (SELECT unnest(?))", [aids])}
        te = time.perf_counter()
        todo = embed_claims_where_needed(list(ans.values()), chunk, timings=None, embed=embed, tokens=words_too)
        embed_s += time.perf_counter() - te
        if todo:
            if timings is not None:
                timings["n_claims_embedded"] = timings.get("n_claims_embedded", 0) + sum(len(an.claims) for an in todo)
            ts = time.perf_counter()
            store.put_vectors([(key_of[an.article.id], an) for an in todo])
            load.seconds += time.perf_counter() - ts
        _stage_records(store, chunk, ans, emap, derived, units, counts)
        drop_tokens()
        del ans, emap
        release_free_memory()
        if prog is not None:
            prog.advance(len(chunk))
    if prog is not None:
        prog.finish()
    return counts, embed_s


def _stage_records(store, chunk, ans, emap, derived, units, counts) -> None:
    """Claim groups, status and disputes of each story of ``chunk``, and the ledger records of its stories,
    groups, disputes, articles, quotes, claims and dates, staged; ``counts`` advanced."""
    from .assess import assess_groups
    from .assess.disputes import find_disputes
    from .ledger import (article_record, claim_records, dispute_id, dispute_record, group_record, quote_records,
                         story_record, timeline_entries)
    from .link import group_claims

    rows = defaultdict(list)
    for st in chunk:
        members = [ans[a] for a in st.articles]
        scores = {}
        groups = group_claims(members, [st], emap, scores=scores)
        assess_groups(groups, members, (), emap, units=units)
        for d in find_disputes(members, emap, scores):
            rows["stage_disputes"].append((dispute_id(d), *store.stage_blob(_dumps(dispute_record(d)))))
        rows["stage_stories"].append((st.id, *store.stage_blob(_dumps(story_record(st)))))
        for g in groups:
            rows["stage_claim_groups"].append((g.id, *store.stage_blob(_dumps(group_record(g)))))
        counts["claim_groups"] += len(groups)
        for an in members:
            a = an.article
            rows["stage_articles"].append((a.id, *store.stage_blob(_dumps(article_record(a, derived.get(a.id, ()))))))
            for seq, q in enumerate(quote_records(an, emap)):
                rows["stage_quotes"].append((a.id, seq, *store.stage_blob(_dumps(q))))
            for seq, c in enumerate(claim_records(an, emap)):
                rows["stage_claims"].append((a.id, seq, *store.stage_blob(_dumps(c))))
            rows["stage_timeline"].extend(timeline_entries(an))
            counts["articles"] += 1
            counts["claims"] += len(an.claims)
    for table, rs in rows.items():
        store.stage(table, rs)


class _Packer:
    """Small arrays copied into large blocks (one per dtype), each returned as a view of its block: a million
    keys' arrays are a few blocks, freed whole when the keys are dropped."""

    BLOCK_BYTES = 4 << 20

    def __init__(self):
        self.blocks = {}                 # dtype -> (current block, next free index)

    def add(self, a):
        if a is None or a.ndim != 1:
            return a
        block, used = self.blocks.get(a.dtype, (None, 0))
        if block is None or used + len(a) > len(block):
            block = np.empty(max(self.BLOCK_BYTES // a.itemsize, len(a)), dtype=a.dtype)
            used = 0
        view = block[used:used + len(a)]
        view[:] = a
        self.blocks[a.dtype] = (block, used + len(a))
        return view


class _Spill:
    """A scratch file of stored analyses (their bytes as the store holds them), read back by offset: the
    passes over stories need the analyses of a few stories at a time, in an order unrelated to the store's,
    and DuckDB answers a lookup by key with a scan of the whole table. Deleted when closed."""

    def __init__(self, store_path):
        import os
        import tempfile
        folder = None if store_path == ":memory:" else os.path.dirname(os.path.abspath(store_path))
        self.fh = tempfile.TemporaryFile(prefix="corroborator-link-", dir=folder)
        self.index = {}

    def put(self, aid, payload: bytes, vectors: bytes) -> None:
        self.fh.seek(0, 2)
        off = self.fh.tell()
        self.fh.write(payload)
        self.fh.write(vectors or b"")
        self.index[aid] = (off, len(payload), len(vectors or b""))

    def get(self, aid):
        from .store.codec import decode_analysis
        off, lp, lv = self.index[aid]
        self.fh.seek(off)
        data = self.fh.read(lp + lv)
        return decode_analysis(data[:lp], data[lp:])

    def close(self) -> None:
        self.fh.close()
        self.index = {}


def _phase_done(phase, store=None):
    """The end of a phase of linking: what it freed handed back to the system (else the allocator keeps it and
    the next phase's arrays are mapped on top: the peak would be the phases' sum), and, at debug level, this
    process's peak resident memory and what DuckDB holds now logged (``analyze --debug``). DuckDB's cache is
    emptied too: each phase reads other tables than the last."""
    if store is not None:
        store.release_cache()
    release_free_memory()
    if log.isEnabledFor(logging.DEBUG):
        held = store.memory_mb() if store is not None else float("nan")
        log.debug("linking: %s done, peak RSS %.0f MB, DuckDB now %.0f MB", phase, peak_rss_mb(), held)
