"""The per-article batch function, stage timings, and the progress line."""
import io
import logging
import pathlib

from corroborator.pipeline import analyze, doc_key, process_batch
from corroborator.progress import Progress
from corroborator.records import ArticleAnalysis, InputDoc, InputFailure
from corroborator.store.codec import encode_analysis

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "engine"


def _doc(name):
    return InputDoc(path=str(FIXTURES / name), kind="text", content=(FIXTURES / name).read_text(encoding="utf-8"),
                    outlet=name.split(".")[0])


def test_bad_document_fails_alone_and_results_do_not_depend_on_the_batch():
    good, other = _doc("harbor_gazette.txt"), _doc("metro_ledger.txt")
    empty = InputDoc(path="empty.txt", kind="text", content="   \n\n  ")
    batch = process_batch([good, empty, other])
    assert [k for k, _ in batch] == [doc_key(good), doc_key(empty), doc_key(other)]
    assert isinstance(batch[1][1], InputFailure) and batch[1][1].status == "failed"
    an = batch[0][1]
    assert isinstance(an, ArticleAnalysis)
    # per article only the lead is embedded; claims are embedded at link time where a story needs them
    assert an.claims and an.claim_vectors == [] and an.doc_vector is not None
    alone = process_batch([good])[0][1]
    assert encode_analysis(alone) == encode_analysis(an)


def test_timings_cover_every_stage(tmp_path):
    timings = {}
    ledger = analyze([FIXTURES / "harbor_gazette.txt", FIXTURES / "coastal_wire.txt"], out=tmp_path,
                     write_report=False, timings=timings)
    assert len(ledger.articles) == 2
    for stage in ("clean", "annotate", "extract", "embed", "store", "link_assess"):
        assert timings[stage] > 0, stage
    assert timings["n_analysed"] == 2


class _Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_progress_shows_done_total_rate_and_eta():
    out, clock = io.StringIO(), _Clock()
    p = Progress(10, "articles", stream=out, enabled=True, interval=0, clock=clock)
    clock.t = 2.0
    p.advance(4)
    line = out.getvalue().split("\r")[-1]
    assert "4/10 articles" in line and "2.0/s" in line and "ETA 3s" in line
    p.finish()


def test_progress_with_unknown_total_and_quiet_when_not_a_terminal():
    out, clock = io.StringIO(), _Clock()
    p = Progress(None, "articles", stream=out, enabled=True, interval=0, clock=clock)
    p.set_files(1, 4)
    clock.t = 1.0
    p.advance(5)
    assert "5 articles" in out.getvalue() and "files 1/4" in out.getvalue()
    quiet = io.StringIO()           # StringIO is not a terminal
    q = Progress(10, stream=quiet)
    q.advance(3)
    q.finish("done")
    assert quiet.getvalue() == ""


def test_an_unexpected_error_reading_one_file_fails_that_file_only(tmp_path, monkeypatch, caplog):
    """A reader bug on one input becomes that input's failure with a reason; the other inputs are analysed."""
    import corroborator
    import corroborator.ingest as ingest

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("The Orrin valley dam reopened on Monday after repairs, the water board said.\n")
    (src / "b.txt").write_text("Ferry services to Skellan island resumed on Tuesday after a storm.\n")
    real = ingest.read_input

    def flaky(path):
        if str(path).endswith("b.txt"):
            raise RuntimeError("reader exploded")
        return real(path)

    monkeypatch.setattr(ingest, "read_input", flaky)
    with caplog.at_level(logging.DEBUG, logger="corroborator"):
        ledger = corroborator.analyze([src], out=tmp_path / "out", progress=False)
    status = {i["path"].rsplit("/", 1)[-1]: i for i in ledger.run["inputs"]}
    assert status["a.txt"]["status"] == "ok"
    # the reason is plain words; the exception's class and message are in the debug log only
    reason = status["b.txt"]["reason"]
    assert status["b.txt"]["status"] == "failed" and "unexpected error" in reason
    assert "RuntimeError" not in reason and "reader exploded" not in reason
    assert "reader exploded" in caplog.text


def test_claims_are_embedded_only_where_their_story_has_another_article(tmp_path):
    from corroborator.store import Store

    # two reports of one event, and one article on its own
    ledger = analyze([FIXTURES / "harbor_gazette.txt", FIXTURES / "coastal_wire.txt", FIXTURES / "metro_ledger.txt"],
                     out=tmp_path, write_report=False)
    story_size = {a: len(s["articles"]) for s in ledger.stories for a in s["articles"]}
    with Store(tmp_path / "ledger.duckdb", read_only=True) as store:
        stored = {an.article.id: an for _, an in store.analyses()}
    assert len(stored) == 3
    for aid, an in stored.items():
        assert an.doc_vector is not None
        if story_size[aid] > 1:
            assert len(an.claim_vectors) == len(an.claims) > 0      # kept in the store for later runs
        else:
            assert an.claim_vectors == []
    assert sorted(story_size.values()) != [1, 1, 1], "the fixtures should hold a story of two articles"
